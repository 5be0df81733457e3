import { createHmac } from 'node:crypto';

// Alibaba Cloud RPC signature, SignatureMethod=HMAC-SHA1, SignatureVersion=1.0,
// as documented for Dysmsapi ("签名机制", alibabacloud.com/help/zh/doc-detail/252839.htm)
// and in "V2版本RPC风格请求体&签名机制" (help.aliyun.com/document_detail/25492.html):
//   1. sort every parameter except Signature by name;
//   2. percent-encode names and values per RFC 3986 (A-Z a-z 0-9 - _ . ~ kept,
//      space as %20, UTF-8 multibyte as %XY%ZA...), join name=value with &;
//   3. StringToSign = HTTPMethod & percentEncode("/") & percentEncode(canonicalized);
//   4. Signature = Base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign)).
// The docs now recommend V3 (ACS3-HMAC-SHA256); V2 stays supported and is the
// one whose doc ships a full worked example (pinned in the tests).

/** RFC 3986 encoding: encodeURIComponent leaves !'()* alone, Aliyun wants them encoded. */
export function aliyunPercentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function aliyunCanonicalQuery(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((k) => k !== 'Signature')
    .sort() // code-unit order equals byte order for the ASCII parameter names
    .map((k) => `${aliyunPercentEncode(k)}=${aliyunPercentEncode(params[k] ?? '')}`)
    .join('&');
}

export function aliyunStringToSign(method: 'GET' | 'POST', params: Record<string, string>): string {
  return `${method}&${aliyunPercentEncode('/')}&${aliyunPercentEncode(aliyunCanonicalQuery(params))}`;
}

export function aliyunRpcSignature(method: 'GET' | 'POST', params: Record<string, string>, accessKeySecret: string): string {
  return createHmac('sha1', `${accessKeySecret}&`).update(aliyunStringToSign(method, params), 'utf8').digest('base64');
}
