// A stand-in for Twilio's REST APIs, used only by the tests. Every request is checked against Twilio's
// published OpenAPI specs (tests/contracts/twilio/, copied from twilio/twilio-oai): path and method,
// form encoding, required parameters, unknown parameters, types, enums, patterns and lengths, and HTTP
// basic auth. A request that breaks the contract is answered 400 and recorded in `violations`, which
// every test asserts is empty. Answers are shaped like the spec's own examples.
//
// Behaviour is scripted per operation: script('sms' | 'verify' | 'check', ...outcomes), each outcome
// one of 'ok' (the default), 'error:<twilio code>', 'status:<http status>', 'slow'. Verify keeps one
// pending code per destination, as Twilio does; `codes` holds what it "sent".
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const specDir = new URL('../twilio/', import.meta.url);
const specs = ['twilio_api_v2010_messages.json', 'twilio_verify_v2.json'].map((f) =>
  JSON.parse(readFileSync(new URL(f, specDir), 'utf8')),
);

// Longer than roomgate's 10 s total timeout (net::kTotalTimeout).
export const SLOW_MS = 12_000;

// The errors of the issue, as Twilio words them (https://www.twilio.com/docs/api/errors).
const ERRORS = {
  20003: [401, 'Authenticate'],
  20404: [404, 'The requested resource /Services/VA.../VerificationCheck was not found'],
  21211: [400, "Invalid 'To' Phone Number"],
  60200: [400, 'Invalid parameter'],
  60202: [429, 'Max check attempts reached'],
  60203: [429, 'Max send attempts reached'],
};

function resolve(spec, schema) {
  let s = schema;
  while (s && s.$ref) s = s.$ref.replace('#/', '').split('/').reduce((o, k) => o[k], spec);
  return s ?? {};
}

// The operations roomgate may call, compiled from the specs: {regex, params, method, spec, operation}.
const operations = specs.flatMap((spec) =>
  Object.entries(spec.paths).flatMap(([template, item]) =>
    ['get', 'post', 'delete'].filter((m) => item[m]).map((method) => {
      const params = [];
      const source = template.replace(/[.]/g, '\\.').replace(/\{(\w+)\}/g, (_, name) => {
        params.push(name);
        return '([^/]+)';
      });
      return { template, regex: new RegExp(`^${source}$`), params, method: method.toUpperCase(), spec, operation: item[method] };
    }),
  ),
);

// Problems with `value` under `schema` (resolved), as sentences.
function checkValue(spec, name, value, schemaIn) {
  const schema = resolve(spec, schemaIn);
  const problems = [];
  if (schema.type === 'integer' && !/^-?\d+$/.test(value)) problems.push(`${name} must be an integer`);
  if (schema.type === 'number' && Number.isNaN(Number(value))) problems.push(`${name} must be a number`);
  if (schema.type === 'boolean' && !['true', 'false'].includes(value)) problems.push(`${name} must be true or false`);
  if (schema.enum && !schema.enum.includes(value)) problems.push(`${name} must be one of ${schema.enum.join(', ')}`);
  if (schema.pattern && !new RegExp(schema.pattern).test(value)) problems.push(`${name} must match ${schema.pattern}`);
  if (schema.minLength !== undefined && value.length < schema.minLength) problems.push(`${name} is too short`);
  if (schema.maxLength !== undefined && value.length > schema.maxLength) problems.push(`${name} is too long`);
  if (schema.format === 'phone-number' && !/^(\+[1-9]\d{1,14}|[a-z]+:.+)$/.test(value))
    problems.push(`${name} must be a phone number in E.164 form`);
  return problems;
}

/** Checks one request against the specs; returns {operation, pathParams, form, problems}. */
export function validateRequest({ method, path, headers, body }, accepted) {
  const problems = [];
  const candidates = operations.filter((o) => o.regex.test(path));
  if (candidates.length === 0) return { problems: [`no Twilio API has the path ${path}`] };
  const op = candidates.find((o) => o.method === method);
  if (!op) return { problems: [`${path} does not accept ${method}`] };
  const values = op.regex.exec(path).slice(1).map(decodeURIComponent);
  const pathParams = Object.fromEntries(op.params.map((p, i) => [p, values[i]]));
  for (const p of op.operation.parameters ?? []) {
    if (p.in === 'path') problems.push(...checkValue(op.spec, p.name, pathParams[p.name] ?? '', p.schema));
  }
  // Basic auth with credentials Twilio would accept.
  const auth = /^Basic (.+)$/.exec(headers.authorization ?? '');
  const [user, password] = auth ? Buffer.from(auth[1], 'base64').toString('utf8').split(/:(.*)/s) : [];
  const authorized = accepted.some(([u, p]) => u === user && p === password);
  let form = {};
  const content = op.operation.requestBody?.content;
  if (content) {
    const type = (headers['content-type'] ?? '').split(';')[0].trim();
    const media = content[type];
    if (!media) {
      problems.push(`Content-Type must be one of ${Object.keys(content).join(', ')} (got "${type}")`);
    } else {
      const schema = resolve(op.spec, media.schema);
      const params = new URLSearchParams(body);
      form = Object.fromEntries(params);
      for (const name of schema.required ?? []) if (!params.has(name)) problems.push(`the required parameter ${name} is missing`);
      for (const [name, value] of params) {
        const property = schema.properties?.[name];
        if (!property) problems.push(`${name} is not a parameter of ${op.template}`);
        else problems.push(...checkValue(op.spec, name, value, property));
      }
    }
  }
  return { op, pathParams, form, problems, authorized };
}

function errorBody(code) {
  const [status, message] = ERRORS[code] ?? [400, 'Error'];
  return [status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }];
}

// The spec's example answer for `op`, with `fields` changed.
function example(op, fields) {
  const answer = Object.entries(op.operation.responses).find(([status]) => status.startsWith('2'));
  const [status, response] = answer;
  const examples = response.content['application/json'].examples;
  const value = structuredClone(Object.values(examples)[0].value);
  return [Number(status), { ...value, ...fields }];
}

const randomHex = (n) => [...crypto.getRandomValues(new Uint8Array(n))].map((b) => b.toString(16).padStart(2, '0')).join('');

/**
 * Starts the stand-in on a free loopback port. `accept`: [[user, password], ...] basic-auth pairs it
 * takes. Returns {url, requests, violations, codes, messages, script(kind, ...outcomes), close()}.
 */
export async function startTwilioStandIn({ accept }) {
  const requests = []; // {kind, path, form, user}
  const violations = []; // sentences
  const codes = new Map(); // destination -> the code Verify "sent"
  const messages = []; // bodies of the SMS the Messages API "sent"
  const scripts = { sms: [], verify: [], check: [] };
  const pending = new Set();

  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const send = (status, json) => {
        if (res.destroyed) return;
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      const path = new URL(req.url, 'http://x').pathname;
      const checked = validateRequest({ method: req.method, path, headers: req.headers, body }, accept);
      if (checked.problems.length > 0) {
        violations.push(`${req.method} ${path}: ${checked.problems.join('; ')}`);
        return send(400, { code: 21000, message: checked.problems.join('; '), more_info: '', status: 400 });
      }
      if (!checked.authorized) return send(...errorBody(20003));
      const kind = checked.op.template.endsWith('/Messages.json') ? 'sms'
        : checked.op.template.endsWith('/Verifications') ? 'verify'
        : checked.op.template.endsWith('/VerificationCheck') ? 'check' : 'other';
      requests.push({ kind, path, form: checked.form });
      const outcome = scripts[kind]?.shift() ?? 'ok';
      const answer = () => {
        if (outcome.startsWith('error:')) return send(...errorBody(Number(outcome.slice(6))));
        if (outcome.startsWith('status:')) return send(Number(outcome.slice(7)), { code: 20500, message: 'Internal Server Error', more_info: '', status: Number(outcome.slice(7)) });
        const { form, pathParams } = checked;
        if (kind === 'sms') {
          messages.push({ to: form.To, body: form.Body });
          return send(...example(checked.op, { sid: `SM${randomHex(16)}`, to: form.To, from: form.From ?? null, body: form.Body, status: 'queued', account_sid: pathParams.AccountSid }));
        }
        const fields = { sid: `VE${randomHex(16)}`, service_sid: pathParams.ServiceSid, to: form.To };
        if (kind === 'verify') {
          if (!codes.has(form.To)) codes.set(form.To, String(100000 + Math.floor(Math.random() * 900000)));
          return send(...example(checked.op, { ...fields, channel: form.Channel, status: 'pending', valid: false }));
        }
        if (kind === 'check') {
          const right = codes.get(form.To) !== undefined && codes.get(form.To) === form.Code;
          if (codes.get(form.To) === undefined) return send(...errorBody(20404));
          if (right) codes.delete(form.To);
          return send(...example(checked.op, { ...fields, status: right ? 'approved' : 'pending', valid: right }));
        }
        return send(404, { code: 20404, message: 'not found', more_info: '', status: 404 });
      };
      if (outcome === 'slow') {
        const timer = setTimeout(answer, SLOW_MS);
        pending.add(timer);
        res.on('close', () => clearTimeout(timer));
      } else {
        answer();
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    violations,
    codes,
    messages,
    script: (kind, ...outcomes) => scripts[kind].push(...outcomes),
    close: () => {
      for (const t of pending) clearTimeout(t);
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
