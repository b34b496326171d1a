#!/usr/bin/env node
// `npm start`: builds what is missing and serves the playground from web/dist on 127.0.0.1.
// Port 8080, or the first free one after it; PORT overrides (PORT=0 picks any free port).
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, lstatSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWeb, distDir } from './build-web.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const HOST = '127.0.0.1';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

function log(message) {
  process.stderr.write(`portclaims serve: ${message}\n`);
}

function buildWasmIfNeeded() {
  const pkg = join(root, 'pkg');
  // A symlinked pkg/ is someone else's build (a worktree borrowing main's): leave it alone.
  if (existsSync(pkg) && lstatSync(pkg).isSymbolicLink()) return;
  const result = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('building the WebAssembly core failed');
}

function handler(request, response) {
  let path;
  try {
    path = decodeURIComponent(new URL(request.url, 'http://localhost').pathname);
  } catch {
    response.writeHead(400).end('bad request');
    return;
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  if (path.endsWith('/')) path += 'index.html';
  const file = normalize(join(distDir, path));
  if (!file.startsWith(distDir + sep) || !existsSync(file) || !statSync(file).isFile()) {
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
    return;
  }
  response.writeHead(200, {
    'content-type': MIME[extname(file)] ?? 'application/octet-stream',
    'content-length': statSync(file).size,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  if (request.method === 'HEAD') response.end();
  else createReadStream(file).pipe(response);
}

function listen(server, port) {
  return new Promise((resolve, reject) => {
    const onError = (error) => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve(server.address().port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, HOST);
  });
}

async function main() {
  buildWasmIfNeeded();
  await buildWeb();
  const server = createServer(handler);
  let port;
  if (process.env.PORT !== undefined && process.env.PORT !== '') {
    port = await listen(server, Number(process.env.PORT));
  } else {
    for (let candidate = 8080; ; candidate++) {
      try {
        port = await listen(server, candidate);
        break;
      } catch (error) {
        if (error.code !== 'EADDRINUSE' || candidate >= 8180) throw error;
      }
    }
  }
  process.stdout.write(`portclaims playground: http://${HOST}:${port}/\n`);
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error) => {
  log(`error: ${error.message}`);
  process.exit(1);
});
