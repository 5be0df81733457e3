import { createHash, createHmac } from 'node:crypto';

// TencentCloud API 3.0 signature v3, TC3-HMAC-SHA256, as documented in
// "Signature v3" (same page in every product's API docs, e.g.
// intl.cloud.tencent.com/document/api/1021/34193; cloud.tencent.com/document/api/213/30654):
//   CanonicalRequest = Method \n "/" \n "" \n CanonicalHeaders \n SignedHeaders \n hex(sha256(payload))
//   StringToSign     = "TC3-HMAC-SHA256" \n timestamp \n date/service/tc3_request \n hex(sha256(CanonicalRequest))
//   SecretDate = HMAC("TC3"+SecretKey, date); SecretService = HMAC(SecretDate, service);
//   SecretSigning = HMAC(SecretService, "tc3_request"); Signature = hex(HMAC(SecretSigning, StringToSign))
// date is the UTC date of the timestamp: the doc warns that using UTC+8 breaks at 00:00-08:00.

export interface Tc3Input {
  secretId: string;
  secretKey: string;
  service: string;
  timestamp: number; // seconds
  payload: string;
  /** Headers taking part in the signature, at least content-type and host. */
  headers: Record<string, string>;
}

export interface Tc3Output {
  authorization: string;
  signature: string;
  canonicalRequest: string;
  stringToSign: string;
}

const sha256Hex = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const hmac = (key: string | Buffer, msg: string) => createHmac('sha256', key).update(msg, 'utf8').digest();

export function tc3Date(timestamp: number): string {
  return new Date(timestamp * 1000).toISOString().slice(0, 10);
}

export function tc3Sign(input: Tc3Input): Tc3Output {
  // Keys and values lowercased and trimmed, sorted by key (doc, step 1).
  const entries = Object.entries(input.headers)
    .map(([k, v]) => [k.trim().toLowerCase(), v.trim().toLowerCase()] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const canonicalHeaders = entries.map(([k, v]) => `${k}:${v}\n`).join('');
  const signedHeaders = entries.map(([k]) => k).join(';');
  const canonicalRequest = ['POST', '/', '', canonicalHeaders, signedHeaders, sha256Hex(input.payload)].join('\n');
  const date = tc3Date(input.timestamp);
  const scope = `${date}/${input.service}/tc3_request`;
  const stringToSign = ['TC3-HMAC-SHA256', String(input.timestamp), scope, sha256Hex(canonicalRequest)].join('\n');
  const signing = hmac(hmac(hmac(`TC3${input.secretKey}`, date), input.service), 'tc3_request');
  const signature = createHmac('sha256', signing).update(stringToSign, 'utf8').digest('hex');
  const authorization = `TC3-HMAC-SHA256 Credential=${input.secretId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return { authorization, signature, canonicalRequest, stringToSign };
}
