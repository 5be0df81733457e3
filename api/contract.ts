// The API contract: every response shape the web reads, as zod schemas. The
// routes answer with them (a response schema also drops any field it does not
// name) and web/src/api/types.ts exports Wire<typeof schema> of them, by
// `import type` only, so no zod reaches the browser bundle. Add a shape here
// when the web starts reading a response, never a hand copy in web/
// (api/contract.test.ts fails on one). Imports zod and domain/ only.
export * from './contract/common';
export * from './contract/tasks';
export * from './contract/scoreboard';
export * from './contract/deductions';
export * from './contract/ledgers';
export * from './contract/admin';
