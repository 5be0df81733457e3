// Fastify and its plugins raise their own 4xx errors (bad JSON, wrong content
// type, body too large, multipart limits) with English-only messages. The
// people who read our messages work in Chinese, so the common ones get a
// typed code and a Chinese message they can act on; others keep Fastify's
// text under a code derived from the status. Pure: used by the error handler in app.ts.

export interface ClientError {
  status: number;
  error: string;
  message: string;
}

const MALFORMED_MULTIPART_MESSAGE = '上传内容残缺或格式错误，请重新选择文件上传 (malformed or truncated multipart body)';

const KNOWN: Record<string, { error: string; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { error: 'invalid_json', message: '请求内容不是有效的 JSON，请检查格式 (the body is not valid JSON)' },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    error: 'invalid_json',
    message: '请求内容为空：Content-Type 为 application/json 时须附 JSON 内容 (empty JSON body)',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    error: 'unsupported_media_type',
    message: '不支持的请求格式：请以 application/json 发送（上传文件用 multipart/form-data） (send application/json)',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    error: 'body_too_large',
    message: '请求内容过大：表单最多 1 MB，台账导入文件最多 2 MB（可分批导入），证据文件请通过证据上传接口提交 (request body too large)',
  },
  FST_FILES_LIMIT: { error: 'too_many_files', message: '一次只能上传一个文件，请逐个上传 (one file per upload)' },
  FST_PARTS_LIMIT: { error: 'too_many_parts', message: '表单字段过多：只需上传一个文件 (too many form parts)' },
  FST_FIELDS_LIMIT: { error: 'too_many_parts', message: '表单字段过多：只需上传一个文件 (too many form fields)' },
  FST_INVALID_MULTIPART_CONTENT_TYPE: {
    error: 'not_multipart',
    message: '请以 multipart/form-data 上传 (send the file as multipart/form-data)',
  },
  FST_MP_PREMATURE_CLOSE: { error: 'malformed_multipart', message: MALFORMED_MULTIPART_MESSAGE },
  FST_PROTO_VIOLATION: { error: 'malformed_multipart', message: MALFORMED_MULTIPART_MESSAGE },
  FST_INVALID_JSON_FIELD_ERROR: { error: 'malformed_multipart', message: MALFORMED_MULTIPART_MESSAGE },
  FST_ERR_BAD_URL: { error: 'bad_url', message: '网址格式错误（含无法解析的字符），请检查地址 (malformed URL)' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    error: 'bad_request',
    message: '请求长度与内容不符，请重新发送 (Content-Length does not match the body)',
  },
};

/** busboy's own parse errors carry neither code nor status: the client sent a broken multipart body. */
const BUSBOY_PARSE_ERROR = /^Multipart: Boundary not found$|unexpected end of multipart data/i;

const BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  413: 'body_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

/** The client's view of a framework 4xx error; undefined for anything that is not one (a 500 then). */
export function frameworkClientError(err: { code?: string; statusCode?: number; message?: string }): ClientError | undefined {
  if (!err.statusCode && err.message && BUSBOY_PARSE_ERROR.test(err.message))
    return { status: 400, error: 'malformed_multipart', message: MALFORMED_MULTIPART_MESSAGE };
  const status = err.statusCode;
  if (!status || status < 400 || status >= 500) return undefined;
  const known = err.code ? KNOWN[err.code] : undefined;
  if (known) return { status, ...known };
  return { status, error: BY_STATUS[status] ?? 'bad_request', message: err.message ?? '' };
}
