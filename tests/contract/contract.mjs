// contract — holds the receiver (and the kiosk) to docs/sync-openapi.yaml.
//
//   node contract.mjs proxy --tools DIR --doc YAML --cert PEM --key PEM --upstream https://127.0.0.1:PORT
//                           --ca PEM --log FILE --port-file FILE
//       An HTTPS proxy on 127.0.0.1 (any free port, written to --port-file) in front of the real
//       receiver. Every exchange passes through unchanged and is checked against the document: the
//       operation exists; the request has its credentials, its query parameters and a body that
//       validates against the request schema (after gunzip); the reply's status is documented for
//       that operation and its body validates against that status's schema (error bodies too), its
//       headers against theirs. One JSON line per exchange goes to --log: the operation, the status,
//       and the problems found (no bodies: they hold secrets and templates).
//       A request carrying "X-Contract-Probe: NAME" is one a test made wrong on purpose: its request
//       is not checked, its reply is.
//   node contract.mjs report --tools DIR --doc YAML --log FILE
//       Prints "problem: ..." for every problem logged and "not exercised: METHOD PATH STATUS" for
//       every documented reply never seen; exits 1 when there was a problem.
//
// Schemas are checked by ajv (OpenAPI 3.0's `nullable` and formats such as uuid, date-time, int64
// and byte by ajv-formats), from the cache folder --tools (scripts/node-tools.sh).
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';

function args() {
    const a = { mode: process.argv[2] };
    for (let i = 3; i < process.argv.length; i += 2)
        a[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
    return a;
}

const opt = args();
const need = createRequire(path.join(opt.tools, 'package.json'));
const YAML = need('yaml');
const Ajv = need('ajv').default;
const addFormats = need('ajv-formats').default;

const doc = YAML.parse(fs.readFileSync(opt.doc, 'utf8'));
const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
addFormats(ajv);
ajv.addSchema(doc, 'openapi');

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
const pointer = (...parts) => 'openapi#/' + parts.map(p => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
const compiled = new Map();
function validator(...parts) {
    const ref = pointer(...parts);
    if (!compiled.has(ref))
        compiled.set(ref, ajv.compile({ $ref: ref }));
    return compiled.get(ref);
}
const errorsOf = v => ajv.errorsText(v.errors, { dataVar: 'body' });

// A $ref'd response or parameter, resolved within the document.
function resolve(obj) {
    while (obj && obj.$ref) {
        obj = obj.$ref.slice(2).split('/').reduce((o, k) => o[k.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
    }
    return obj;
}

function operations() {
    const ops = [];
    for (const [p, item] of Object.entries(doc.paths))
        for (const m of METHODS)
            if (item[m])
                ops.push({ path: p, method: m, op: item[m] });
    return ops;
}

function isJson(contentType) {
    return /^application\/json\s*(;|$)/i.test(contentType || '');
}

function checkRequest(o, url, headers, raw, problems) {
    const security = o.op.security ?? doc.security ?? [];
    if (security.length && !/^Basic [A-Za-z0-9+/=]+$/.test(headers.authorization || ''))
        problems.push('request: no HTTP Basic credentials, which this operation requires');
    const params = (o.op.parameters || []).map(resolve);
    for (const [name, value] of url.searchParams) {
        const p = params.find(x => x.in === 'query' && x.name === name);
        if (!p) {
            problems.push(`request: query parameter "${name}" is not in the document`);
            continue;
        }
        const i = (o.op.parameters || []).findIndex(x => resolve(x) === p);
        const type = p.schema && p.schema.type;
        const v = type === 'integer' && /^-?[0-9]+$/.test(value) ? Number(value) : value;
        const check = validator('paths', o.path, o.method, 'parameters', i, 'schema');
        if (!check(v))
            problems.push(`request: query parameter "${name}" = "${value}": ${errorsOf(check)}`);
    }
    for (const p of params)
        if (p.in === 'query' && p.required && !url.searchParams.has(p.name))
            problems.push(`request: the required query parameter "${p.name}" is missing`);
    const rb = resolve(o.op.requestBody);
    if (!rb) {
        if (raw.length)
            problems.push('request: a body where the document has none');
        return;
    }
    if (!raw.length) {
        if (rb.required)
            problems.push('request: no body, but the document requires one');
        return;
    }
    if (!isJson(headers['content-type']))
        problems.push(`request: Content-Type "${headers['content-type'] || ''}" is not application/json`);
    let text = raw;
    const enc = (headers['content-encoding'] || 'identity').toLowerCase();
    try {
        if (enc === 'gzip')
            text = zlib.gunzipSync(raw);
        else if (enc !== 'identity')
            problems.push(`request: Content-Encoding "${enc}" is neither gzip nor identity`);
    } catch (e) {
        problems.push(`request: the gzip body does not decompress (${e.message})`);
        return;
    }
    let body;
    try {
        body = JSON.parse(text.toString('utf8'));
    } catch (e) {
        problems.push(`request: the body is not JSON (${e.message})`);
        return;
    }
    const check = validator('paths', o.path, o.method, 'requestBody', 'content', 'application/json', 'schema');
    if (!check(body))
        problems.push(`request: ${errorsOf(check)}`);
}

function checkResponse(o, status, headers, raw, problems) {
    const key = o.op.responses[String(status)] ? String(status) : o.op.responses.default ? 'default' : null;
    if (!key) {
        problems.push(`response: status ${status} is not documented for ${o.method.toUpperCase()} ${o.path}`);
        return;
    }
    const r = resolve(o.op.responses[key]);
    for (const [name, h] of Object.entries(r.headers || {})) {
        const value = headers[name.toLowerCase()];
        if (value === undefined) {
            if (resolve(h).required)
                problems.push(`response: the required header ${name} is missing`);
            continue;
        }
        const type = resolve(h).schema && resolve(h).schema.type;
        const v = type === 'integer' && /^-?[0-9]+$/.test(value) ? Number(value) : value;
        if (!ajv.validate(resolve(h).schema, v))
            problems.push(`response: header ${name}: "${value}" ${ajv.errorsText()}`);
    }
    const media = r.content && r.content['application/json'];
    if (!media) {
        if (raw.length)
            problems.push(`response: a ${status} body where the document has none`);
        return;
    }
    if (!isJson(headers['content-type']))
        problems.push(`response: Content-Type "${headers['content-type'] || ''}" is not application/json`);
    let body;
    try {
        body = JSON.parse(raw.toString('utf8'));
    } catch (e) {
        problems.push(`response: the ${status} body is not JSON (${e.message})`);
        return;
    }
    // The schema where it is written (a $ref'd response's lives under components).
    const at = o.op.responses[key].$ref
        ? [...o.op.responses[key].$ref.slice(2).split('/').map(k => k.replace(/~1/g, '/')), 'content', 'application/json', 'schema']
        : ['paths', o.path, o.method, 'responses', key, 'content', 'application/json', 'schema'];
    const check = validator(...at);
    if (!check(body))
        problems.push(`response ${status}: ${errorsOf(check)}`);
}

function proxy() {
    const upstream = new URL(opt.upstream);
    const ca = fs.readFileSync(opt.ca);
    const agent = new https.Agent({ keepAlive: true, ca });
    const ops = operations();
    const server = https.createServer({ cert: fs.readFileSync(opt.cert), key: fs.readFileSync(opt.key) }, (req, res) => {
        const chunks = [];
        req.on('data', c => chunks.push(c));
        req.on('end', () => {
            const raw = Buffer.concat(chunks);
            const url = new URL(req.url, 'https://127.0.0.1');
            const probe = req.headers['x-contract-probe'] || null;
            const o = ops.find(x => x.path === url.pathname && x.method === req.method.toLowerCase());
            const problems = [];
            if (!o)
                problems.push(`request: ${req.method} ${url.pathname} is not an operation of the document`);
            else if (!probe)
                checkRequest(o, url, req.headers, raw, problems);
            const headers = { ...req.headers, host: upstream.host };
            delete headers.connection;
            delete headers['keep-alive'];
            const up = https.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url,
                                       headers, agent }, ures => {
                const back = [];
                ures.on('data', c => back.push(c));
                ures.on('end', () => {
                    const body = Buffer.concat(back);
                    if (o)
                        checkResponse(o, ures.statusCode, ures.headers, body, problems);
                    const line = { op: o ? `${o.method.toUpperCase()} ${o.path}` : `${req.method} ${url.pathname}`,
                                   status: ures.statusCode, probe, problems };
                    fs.appendFileSync(opt.log, JSON.stringify(line) + '\n');
                    const out = { ...ures.headers, 'content-length': body.length };
                    delete out['transfer-encoding'];
                    delete out.connection;
                    delete out['keep-alive'];
                    res.writeHead(ures.statusCode, out);
                    res.end(body);
                });
            });
            up.on('error', e => {
                fs.appendFileSync(opt.log, JSON.stringify({ op: `${req.method} ${url.pathname}`, status: 0, probe,
                                                            problems: [`proxy: the receiver did not answer (${e.message})`] }) + '\n');
                res.writeHead(502, { 'content-type': 'application/json' });
                res.end('{"error": "the contract proxy could not reach the receiver"}');
            });
            up.end(raw);
        });
    });
    server.listen(0, '127.0.0.1', () => {
        fs.writeFileSync(opt['port-file'], `${server.address().port}\n`);
    });
    process.on('SIGTERM', () => process.exit(0));
}

function report() {
    const seen = new Set();
    let bad = 0;
    const text = fs.existsSync(opt.log) ? fs.readFileSync(opt.log, 'utf8') : '';
    for (const l of text.split('\n').filter(Boolean)) {
        const e = JSON.parse(l);
        seen.add(`${e.op} ${e.status}`);
        for (const p of e.problems) {
            console.log(`problem: ${e.op} -> ${e.status}${e.probe ? ` (probe ${e.probe})` : ''}: ${p}`);
            bad++;
        }
    }
    for (const o of operations())
        for (const status of Object.keys(o.op.responses))
            if (!seen.has(`${o.method.toUpperCase()} ${o.path} ${status}`))
                console.log(`not exercised: ${o.method.toUpperCase()} ${o.path} ${status}`);
    console.log(`checked: ${text.split('\n').filter(Boolean).length} exchanges, ${bad} problems`);
    process.exit(bad ? 1 : 0);
}

if (opt.mode === 'proxy')
    proxy();
else if (opt.mode === 'report')
    report();
else {
    console.error('usage: contract.mjs proxy|report --tools DIR --doc YAML ... (see the comment at the top)');
    process.exit(2);
}
