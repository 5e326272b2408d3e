// The lab's own PGP tool, for trainees without GnuPG on their machine: verify a clear-signed
// message against a public key, encrypt text to a key, read a key's fingerprint. Server-side
// (openpgp.js through market/pgp), no script, no outside asset. Mounted by the lab:
//   await app.register(pgpToolPlugin, { prefix: '/pgp' })
// Its form parser, templates and error handler stay inside its own encapsulated context.
import type { FastifyInstance, FastifyPluginAsync, FastifyReply } from 'fastify';
import Handlebars from 'handlebars';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { encryptTo } from '../pgp/encrypt.ts';
import { readKeyInfo } from '../pgp/inspect.ts';
import { MAX_ARMORED_LENGTH } from '../pgp/read.ts';
import { verifyClearSigned } from '../pgp/verify.ts';
import { keyView, verifyView, type KeyView, type VerifyView } from './views.ts';

export interface PgpToolOptions {
  /** Where "Back to lab home" points. Default '/'. */
  homeHref?: string;
}

const here = fileURLToPath(new URL('.', import.meta.url));
const FORM_TYPE = 'application/x-www-form-urlencoded';
/** Three pasted fields at their maximum, URL-encoded (up to 3 bytes per character). */
const BODY_LIMIT = 3 * 3 * MAX_ARMORED_LENGTH + 1024;
/** No script at all, styles only from here, forms only back to here. */
const CSP = "default-src 'none'; style-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

interface FormEcho {
  verifyKey?: string;
  message?: string;
  encryptKey?: string;
  text?: string;
  inspectKey?: string;
}

interface PageData {
  title: string;
  error?: string;
  verify?: VerifyView;
  encrypted?: { key: KeyView; armored: string };
  inspected?: KeyView;
  form: FormEcho;
}

/** A form value as one string: repeated fields take the first; missing ones are ''. */
function field(body: unknown, name: string): string {
  if (body === null || typeof body !== 'object') return '';
  const v = (body as Record<string, unknown>)[name];
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return '';
}

/** Library reasons start in lower case ("the key could not be read: ..."); the page shows sentences. */
function sentence(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}

function isInputError(err: unknown): err is Error {
  return err instanceof RangeError || err instanceof TypeError;
}

export const pgpToolPlugin: FastifyPluginAsync<PgpToolOptions> = async (app: FastifyInstance, opts) => {
  const home = opts.homeHref ?? '/';
  const base = app.prefix;
  const hbs = Handlebars.create();
  hbs.registerPartial('key', readFileSync(`${here}templates/key.hbs`, 'utf8'));
  const layout = hbs.compile(readFileSync(`${here}templates/layout.hbs`, 'utf8'), { strict: false });
  const tool = hbs.compile(readFileSync(`${here}templates/tool.hbs`, 'utf8'));
  const css = readFileSync(`${here}static/pgp-tool.css`, 'utf8');

  function render(reply: FastifyReply, status: number, data: PageData): FastifyReply {
    const body = tool({ ...data, base });
    return reply
      .code(status)
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', CSP)
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      .send(layout({ title: data.title, base, home, body }));
  }

  if (!app.hasContentTypeParser(FORM_TYPE)) {
    app.addContentTypeParser(FORM_TYPE, { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });
  }

  app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    const message =
      status === 413
        ? `The form is too large: each pasted field may hold at most ${MAX_ARMORED_LENGTH} characters.`
        : status === 415
          ? 'Send the form as application/x-www-form-urlencoded.'
          : status < 500
            ? err.message
            : 'The tool failed on this input.';
    if (status >= 500) app.log.error(err);
    return render(reply, status, { title: 'Error', error: message, form: {} });
  });

  app.get('/static/pgp-tool.css', async (_req, reply) =>
    reply.header('content-type', 'text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(css),
  );

  app.get('/', async (_req, reply) => render(reply, 200, { title: 'PGP tool', form: {} }));

  app.post('/verify', async (req, reply) => {
    const publicKey = field(req.body, 'publicKey');
    const message = field(req.body, 'message');
    const form = { verifyKey: publicKey, message };
    if (publicKey.trim() === '' || message.trim() === '') {
      return render(reply, 400, { title: 'Verify', error: 'Paste both a public key and a signed message.', form });
    }
    const result = await verifyClearSigned(message, publicKey);
    return render(reply, 200, { title: result.valid ? 'Verified' : 'Not verified', verify: verifyView(result), form });
  });

  app.post('/encrypt', async (req, reply) => {
    const publicKey = field(req.body, 'publicKey');
    const text = field(req.body, 'text');
    const form = { encryptKey: publicKey, text };
    try {
      if (publicKey.trim() === '') throw new RangeError('Paste the recipient\'s public key.');
      const key = keyView(await readKeyInfo(publicKey));
      const armored = await encryptTo(publicKey, text);
      return render(reply, 200, { title: 'Encrypted', encrypted: { key, armored }, form });
    } catch (err) {
      if (!isInputError(err)) throw err;
      return render(reply, 400, { title: 'Encrypt', error: sentence(err.message), form });
    }
  });

  app.post('/inspect', async (req, reply) => {
    const publicKey = field(req.body, 'publicKey');
    const form = { inspectKey: publicKey };
    try {
      if (publicKey.trim() === '') throw new RangeError('Paste a public key.');
      return render(reply, 200, { title: 'Key', inspected: keyView(await readKeyInfo(publicKey)), form });
    } catch (err) {
      if (!isInputError(err)) throw err;
      return render(reply, 400, { title: 'Inspect', error: sentence(err.message), form });
    }
  });
};
