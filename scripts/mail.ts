// `npm run mail`: the mail `npm start` captured locally (stack/mail-capture.ts).
//   npm run mail            newest first: number, time, to, subject
//   npm run mail -- 1       the newest message in full (or give its file name)
import path from 'node:path';
import { parseConfig } from '../config';
import { runMain } from '../platform/run-main';
import { StartupError } from '../platform/errors';
import { dataDir as defaultDataDir } from '../stack/paths';
import { listCapturedMail, readCapturedMail } from '../stack/mail-capture';
import { shanghaiParts } from '../notify/templates/format';

/** Asia/Shanghai, like everything else duban shows. */
function formatDateTime(iso: string): string {
  const p = shanghaiParts(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}`;
}

runMain('mail', async () => {
  const config = parseConfig(process.env);
  const dir = path.join(config.DUBAN_DATA_DIR ? path.resolve(config.DUBAN_DATA_DIR) : defaultDataDir, 'mail');
  const list = await listCapturedMail(dir, 1000);
  const which = process.argv[2];
  if (!which) {
    if (list.length === 0) {
      console.log(`no captured mail in ${dir} (npm start captures mail there when no SMTP server is configured)`);
      return;
    }
    list.forEach((m, i) => console.log(`${String(i + 1).padStart(4)}  ${formatDateTime(m.receivedAt)}  ${m.to}  ${m.subject}`));
    console.log(`\n${list.length} message(s) in ${dir}; npm run mail -- <number> prints one`);
    return;
  }
  const id = /^\d+$/.test(which) ? list[Number(which) - 1]?.id : which;
  const mail = id ? await readCapturedMail(dir, id) : undefined;
  if (!mail) throw new StartupError(`no captured message "${which}": npm run mail lists them (1 = newest)`);
  console.log(
    [
      `File:     ${path.join(dir, mail.id)}`,
      `Received: ${formatDateTime(mail.receivedAt)}`,
      `From:     ${mail.from}`,
      `To:       ${mail.to}`,
      `Subject:  ${mail.subject}`,
      ...(mail.key ? [`Key:      ${mail.key}`] : []),
      '',
      mail.text,
    ].join('\n'),
  );
});
