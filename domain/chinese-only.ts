// Pure text rule for what people read; used by the API's error handler.
/**
 * The message as a person reads it: Chinese only. Messages in the code carry
 * an English copy in brackets for the log and for developers
 * ("不能审核自己提交的证据 (you cannot review your own submission)"); the
 * response drops that copy. Brackets holding Chinese are kept.
 */
export function chineseOnly(message: string): string {
  const stripped = message.replace(/\s*\((?=[^()]*[A-Za-z])[^()\u3400-\u9fff]*\)(?=\s*(?:[;；。]|$))/g, '').trim();
  return stripped === '' ? message : stripped;
}
