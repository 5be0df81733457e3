import { describe, expect, it } from 'vitest';
import { chineseOnly } from './chinese-only';

describe('chineseOnly: the message a person reads has no English copy', () => {
  it('drops a trailing English copy in brackets', () => {
    expect(chineseOnly('不能审核自己提交的证据 (you cannot review your own submission)')).toBe('不能审核自己提交的证据');
    expect(chineseOnly('任务 1 不存在 (not found)')).toBe('任务 1 不存在');
  });
  it('keeps brackets that hold Chinese, and drops the English copy after them', () => {
    expect(chineseOnly('请以 application/json 发送（上传文件用 multipart/form-data） (send application/json)')).toBe(
      '请以 application/json 发送（上传文件用 multipart/form-data）',
    );
  });
  it('keeps a bracketed name in the middle of a sentence, and an English-only message whole', () => {
    expect(chineseOnly('请求头 (x-csrf-token) 缺失')).toBe('请求头 (x-csrf-token) 缺失');
    expect(chineseOnly('Only English')).toBe('Only English');
  });
});
