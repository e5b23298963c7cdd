// Hands one notification to its channel: a signed JSON webhook, a Slack-compatible
// incoming webhook, or e-mail over SMTP. Answers what happened, for the delivery log;
// never throws for a delivery failure (the caller retries with backoff).
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createTransport, type Transporter } from 'nodemailer';
import { request } from 'undici';
import type { NotificationRecord } from '../../app/ports/records.js';
import type { SecretReference } from '../../core/slo/model.js';
import {
  renderSlack,
  renderText,
  type NotificationMessage,
} from '../../core/alerts/notification-message.js';

const TIMEOUT_MS = 10_000;

export interface DeliveryResult {
  readonly ok: boolean;
  readonly detail: string;
}

export interface MailSettings {
  /** smtp://user:pass@host:port or smtps://… (HEADROOM_SMTP_URL). */
  readonly url: string;
  readonly from: string;
}

export type Environment = Readonly<Record<string, string | undefined>>;

/** What a webhook destination stores: its URL and how to find its signing secret. */
export interface WebhookDestination {
  readonly url: string;
  readonly secret: SecretReference | undefined;
}

export class Deliverer {
  private transport: Transporter | undefined;

  constructor(
    private readonly env: Environment,
    /** Signs webhooks that name no secret of their own. */
    private readonly defaultSigningKey: string,
  ) {}

  async deliver(notification: NotificationRecord): Promise<DeliveryResult> {
    const message = notification.message as NotificationMessage;
    try {
      switch (notification.channel) {
        case 'email':
          return await this.email(notification.destination, message, notification.key);
        case 'webhook':
          return await this.webhook(notification, message);
        case 'slack':
          return await post(notification.destination, JSON.stringify(renderSlack(message)), {});
        case 'none':
          // A record that a page reached no one: nothing to send, never due.
          return { ok: false, detail: 'nothing to deliver: this records whom the page missed' };
      }
    } catch (error) {
      return { ok: false, detail: error instanceof Error ? error.message : String(error) };
    }
  }

  close(): void {
    this.transport?.close();
  }

  private async email(
    to: string,
    message: NotificationMessage,
    key: string,
  ): Promise<DeliveryResult> {
    const settings = mailSettings(this.env);
    if (settings === undefined) {
      return { ok: false, detail: 'HEADROOM_SMTP_URL is not set: the server cannot send e-mail' };
    }
    this.transport ??= createTransport(settings.url);
    const sent = (await this.transport.sendMail({
      from: settings.from,
      to,
      subject: message.title,
      text: renderText(message),
      // The same key on a retry: mail systems and people can tell a resend.
      messageId: `<${key.replace(/[^A-Za-z0-9.-]/g, '.')}@headroom>`,
    })) as { response?: string };
    return { ok: true, detail: sent.response ?? 'accepted' };
  }

  private async webhook(
    notification: NotificationRecord,
    message: NotificationMessage,
  ): Promise<DeliveryResult> {
    const destination = JSON.parse(notification.destination) as WebhookDestination;
    const body = JSON.stringify({
      // Receivers tell a step from the page being taken or closed without reading fields.
      type:
        message.resolved !== undefined
          ? 'page.resolved'
          : message.acknowledged !== undefined
            ? 'page.acknowledged'
            : message.exhausted !== undefined
              ? 'page.exhausted'
              : 'page.notification',
      delivery: notification.key,
      ...message,
    });
    const secret =
      destination.secret === undefined
        ? this.defaultSigningKey
        : resolveSecret(destination.secret, this.env);
    const signature = createHmac('sha256', secret).update(body).digest('hex');
    return post(destination.url, body, {
      'x-headroom-signature': `sha256=${signature}`,
      'x-headroom-delivery': notification.key,
    });
  }
}

export function mailSettings(env: Environment): MailSettings | undefined {
  const url = env.HEADROOM_SMTP_URL;
  if (url === undefined || url === '') return undefined;
  return { url, from: env.HEADROOM_SMTP_FROM ?? 'Headroom <headroom@localhost>' };
}

async function post(
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<DeliveryResult> {
  const response = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await response.body.text();
  const ok = response.statusCode >= 200 && response.statusCode < 300;
  return { ok, detail: `${String(response.statusCode)} ${text.slice(0, 200)}`.trim() };
}

function resolveSecret(reference: SecretReference, env: Environment): string {
  if ('env' in reference) {
    const value = env[reference.env];
    if (value === undefined || value === '') {
      throw new Error(
        `the webhook's secret comes from ${reference.env}, which the server does not have`,
      );
    }
    return value;
  }
  return readFileSync(reference.file, 'utf8').trim();
}
