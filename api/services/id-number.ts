// 居民身份证号码 (GB 11643-1999): 17 digits and a check character (0-9 or X).
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export function idNumberCheckChar(first17: string): string {
  const sum = WEIGHTS.reduce((acc, w, i) => acc + w * Number(first17[i]), 0);
  return CHECK[sum % 11]!;
}

/** Undefined when valid, else why not (Chinese first, English in parentheses). */
export function idNumberProblem(value: string): string | undefined {
  if (!/^\d{17}[\dX]$/.test(value)) return '身份证号应为18位，末位可为X (ID number must be 17 digits and a digit or X)';
  if (idNumberCheckChar(value.slice(0, 17)) !== value[17]) return '身份证号校验位错误 (ID number check digit is wrong)';
  return undefined;
}
