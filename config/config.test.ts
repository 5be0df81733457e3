import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './index';

describe('parseConfig', () => {
  it('applies the embedded defaults when nothing is set', () => {
    const config = parseConfig({});
    expect(config.API_PORT).toBe(3000);
    expect(config.TEMPORAL_TASK_QUEUE).toBe('duban');
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('names a malformed DATABASE_URL and what it expects, without the password', () => {
    expect(() => parseConfig({ DATABASE_URL: 'mysql://u:hunter2@db/x' })).toThrow(ConfigError);
    try {
      parseConfig({ DATABASE_URL: 'mysql://u:hunter2@db/x' });
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('DATABASE_URL must be a URL like postgresql://');
      expect(message).not.toContain('hunter2');
      expect(message.split('\n')).toHaveLength(1);
    }
  });

  it('reports every bad variable in one line', () => {
    const attempt = () => parseConfig({ API_PORT: 'eighty', TEMPORAL_ADDRESS: 'nowhere' });
    expect(attempt).toThrow('API_PORT must be a port number between 1 and 65535 (got "eighty")');
    expect(attempt).toThrow('TEMPORAL_ADDRESS must be host:port, e.g. 127.0.0.1:7233 (got "nowhere")');
  });

  it('rejects an encryption key of the wrong length without echoing it', () => {
    expect(() => parseConfig({ LEDGER_ENCRYPTION_KEY: 'c2hvcnQ=' })).toThrow(
      'LEDGER_ENCRYPTION_KEY must be 32 bytes encoded as base64 (openssl rand -base64 32) (got "***")',
    );
  });

  it('treats empty variables as unset', () => {
    expect(parseConfig({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });
});
