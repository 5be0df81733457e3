// Shared vocabulary of the notify module. Kept free of Node imports so that
// workflow code can import the types (and the pure modules) deterministically.

export type Role = 'staff' | 'secretary' | 'area_leader' | 'political_legal' | 'admin';

export type EventType =
  'reminder' | 'due-today' | 'overdue' | 'escalation' | 'evidence-rejected' | 'review-requested' | 'review-overdue' | 'digest';

/** A routine reminder may wait for the end of quiet hours; an escalation may not. */
export type Urgency = 'routine' | 'escalation';

/** What a channel carries; routing reasons in media, adapters in providers. */
export type Medium = 'email' | 'sms' | 'robot';

export type ProviderKind = 'smtp' | 'aliyun-sms' | 'tencent-sms' | 'wecom' | 'dingtalk' | 'feishu';

export interface Mention {
  name: string;
  mobile?: string;
  /** Platform user ids, when known: WeCom markdown and Feishu can only @ by id. */
  wecomUserId?: string;
  feishuUserId?: string;
}

export interface EmailMessage {
  medium: 'email';
  event: EventType;
  to: string[];
  subject: string;
  html: string;
  text: string;
}

export interface SmsMessage {
  medium: 'sms';
  event: EventType;
  /** Mainland numbers, 11 digits, without +86: each adapter adds what its API wants. */
  phoneNumbers: string[];
  /** Ordered named params: Aliyun takes them as a JSON object, Tencent as an ordered array. */
  params: Array<[name: string, value: string]>;
}

export interface RobotMessage {
  medium: 'robot';
  event: EventType;
  title: string;
  /** Plain-text paragraphs; each adapter escapes them for its own markdown dialect. */
  lines: string[];
  link?: { text: string; url: string };
  mentions: Mention[];
}

export type OutboundMessage = EmailMessage | SmsMessage | RobotMessage;

export interface SendContext {
  /** Business key of this send (see notificationKey); adapters pass it to providers that echo it. */
  key: string;
  /**
   * Unique id of this message (its outbox row id): Aliyun OutId, Tencent
   * SessionContext, the mail's Message-ID. Receipts and status queries find
   * the message by it; the business key is the same for every reminder of a rule.
   */
  ref?: string;
  now?: () => Date;
  signal?: AbortSignal;
}

/** What a provider's status query says about one message (by its ref). */
export interface DeliveryStatus {
  /** delivered / failed: the carrier's receipt; accepted: the provider has it, no receipt yet; not-found: the provider never took it (or has not said so yet). */
  state: 'delivered' | 'failed' | 'accepted' | 'not-found';
  /** When the handset received it (delivered) or the carrier said it failed. */
  at?: Date;
  /** The provider's record, trimmed and redacted, kept as the row's receipt. */
  receipt?: Record<string, unknown>;
}

/** What the provider said when it accepted: stored by the outbox as evidence of delivery. */
export interface SendResult {
  provider: ProviderKind;
  messageId?: string;
  requestId?: string;
  /** Raw response body, trimmed and redacted. */
  raw: string;
  acceptedAt: Date;
}

export interface Channel {
  /** Stable id used in plans and business keys, e.g. "email", "sms", "robot:community-7". */
  readonly id: string;
  readonly medium: Medium;
  readonly provider: ProviderKind;
  send(message: OutboundMessage, ctx: SendContext): Promise<SendResult>;
  /**
   * Asks the provider about a message sent with `ref` around `sentAt` (SMS
   * only: Aliyun QuerySendDetails, Tencent PullSmsSendStatusByPhoneNumber).
   * Channels without it cannot confirm a send whose answer was lost.
   */
  query?(message: OutboundMessage, ctx: { ref: string; sentAt: Date; now?: () => Date }): Promise<DeliveryStatus>;
}
