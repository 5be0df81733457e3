// Filters live in the hash ("#/deductions?communityId=..") so a drill-down link can be shared.
export function hashQuery(): URLSearchParams {
  const hash = window.location.hash;
  const i = hash.indexOf('?');
  return new URLSearchParams(i >= 0 ? hash.slice(i + 1) : '');
}
