import { describe, expect, it } from 'vitest';
import { aliyunExpectedSignature } from '../testing/aliyun-provider-server';
import { dingtalkExpectedSign } from '../testing/dingtalk-provider-server';
import { feishuExpectedSign } from '../testing/feishu-provider-server';
import { aliyunPercentEncode, aliyunRpcSignature, aliyunStringToSign } from './aliyun-rpc';
import { dingtalkSign, feishuSign } from './robot-signs';
import { tc3Sign } from './tencent-tc3';

describe('Aliyun RPC signature (doc example, dysmsapi SendSms)', () => {
  // Worked example of the Dysmsapi signature doc (testId/testSecret, nonce 45e25e9b...),
  // with its published StringToSign and Signature.
  const params: Record<string, string> = {
    AccessKeyId: 'testId',
    Action: 'SendSms',
    Format: 'XML',
    OutId: '123',
    PhoneNumbers: '15300000001',
    RegionId: 'cn-hangzhou',
    SignName: '阿里云短信测试专用',
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: '45e25e9b-0a6f-4070-8c85-2956eda1b466',
    SignatureVersion: '1.0',
    TemplateCode: 'SMS_71390007',
    TemplateParam: '{"customer":"test"}',
    Timestamp: '2017-07-12T02:42:19Z',
    Version: '2017-05-25',
  };

  it('builds the documented StringToSign', () => {
    expect(aliyunStringToSign('GET', params)).toBe(
      'GET&%2F&AccessKeyId%3DtestId%26Action%3DSendSms%26Format%3DXML%26OutId%3D123%26PhoneNumbers%3D15300000001%26RegionId%3Dcn-hangzhou%26SignName%3D%25E9%2598%25BF%25E9%2587%258C%25E4%25BA%2591%25E7%259F%25AD%25E4%25BF%25A1%25E6%25B5%258B%25E8%25AF%2595%25E4%25B8%2593%25E7%2594%25A8%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D45e25e9b-0a6f-4070-8c85-2956eda1b466%26SignatureVersion%3D1.0%26TemplateCode%3DSMS_71390007%26TemplateParam%3D%257B%2522customer%2522%253A%2522test%2522%257D%26Timestamp%3D2017-07-12T02%253A42%253A19Z%26Version%3D2017-05-25',
    );
  });

  it('produces the documented signature, and the loopback server agrees', () => {
    expect(aliyunRpcSignature('GET', params, 'testSecret')).toBe('zJDF+Lrzhj/ThnlvIToysFRq6t4=');
    expect(aliyunExpectedSignature('GET', new Map(Object.entries(params)), 'testSecret')).toBe('zJDF+Lrzhj/ThnlvIToysFRq6t4=');
  });

  it('percent-encodes per RFC 3986, not form encoding', () => {
    expect(aliyunPercentEncode("a b*c~d!'()")).toBe('a%20b%2Ac~d%21%27%28%29');
  });
});

describe('Tencent TC3-HMAC-SHA256 (doc worked example, cvm DescribeInstances)', () => {
  // From "Signature v3": SecretKey Gu5t9xGARNpq86cd98joQYCN3EXAMPLE, timestamp 1551113065.
  const payload = '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}';
  const signed = tc3Sign({
    secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE',
    secretKey: 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE',
    service: 'cvm',
    timestamp: 1551113065,
    payload,
    headers: { 'content-type': 'application/json; charset=utf-8', host: 'cvm.tencentcloudapi.com' },
  });

  it('matches every intermediate value of the doc', () => {
    expect(signed.canonicalRequest).toBe(
      'POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\ncontent-type;host\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064',
    );
    expect(signed.stringToSign).toBe(
      'TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031',
    );
    expect(signed.signature).toBe('72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168');
    expect(signed.authorization).toBe(
      'TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168',
    );
  });

  it('uses the UTC date of the timestamp, not the Shanghai one', () => {
    // 2019-02-26 00:44:25 in UTC+8 is still 2019-02-25 in UTC (the doc's own warning).
    expect(signed.stringToSign.split('\n')[2]).toBe('2019-02-25/cvm/tc3_request');
  });
});

describe('robot signatures (pinned vectors, computed with Python hmac per the docs samples)', () => {
  it('DingTalk: HMAC-SHA256(key=secret, timestamp\\nsecret), base64', () => {
    const sign = dingtalkSign('SECb6a1f0c2d3e4test', 1648742400000);
    expect(sign).toBe('PAJBTM89VicvKF71Yy8CEtBjE7t002IAl9NrYa1zadA=');
    expect(new URLSearchParams({ sign }).toString()).toBe('sign=PAJBTM89VicvKF71Yy8CEtBjE7t002IAl9NrYa1zadA%3D');
    expect(dingtalkExpectedSign('SECb6a1f0c2d3e4test', '1648742400000')).toBe(sign);
  });

  it('Feishu: HMAC-SHA256(key=timestamp\\nsecret, empty message), base64', () => {
    const sign = feishuSign('qxZkP3bR7yT2feishu', 1648742400);
    expect(sign).toBe('/Oef5T+dYqLfT8+gM8FO0mjAZhcR5dOs5XQhthzPN/E=');
    expect(feishuExpectedSign('qxZkP3bR7yT2feishu', '1648742400')).toBe(sign);
  });
});
