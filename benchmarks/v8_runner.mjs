// Runs one WASI command under V8 (Node's WebAssembly + node:wasi) for
// benchmarks/run. Usage:
//   node [V8 flags] v8_runner.mjs --dir DIR FILE.wasm [ARGS...]
// DIR is preopened as "." (the harness also makes it the cwd). The bench
// imports print "bench-ns: N" to stderr like every other engine; the
// WebAssembly.compile and instantiate times are printed as "compile-ns: N"
// and "instantiate-ns: N".
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { WASI } from 'node:wasi';

function parseArgs(argv) {
  let dir = '.';
  let i = 0;
  if (argv[i] === '--dir') {
    dir = argv[i + 1];
    i += 2;
  }
  if (i >= argv.length) {
    process.stderr.write('usage: v8_runner.mjs [--dir DIR] FILE.wasm [ARGS...]\n');
    process.exit(2);
  }
  return { dir, file: argv[i], args: argv.slice(i + 1) };
}

const now = () => process.hrtime.bigint();

async function main() {
  const { dir, file, args } = parseArgs(process.argv.slice(2));
  const bytes = readFileSync(file);
  const t0 = now();
  const module = await WebAssembly.compile(bytes);
  const t1 = now();
  const wasi = new WASI({
    version: 'preview1',
    args: [basename(file), ...args],
    env: {},
    preopens: { '.': dir },
    returnOnExit: true,
  });
  let benchT0 = 0n;
  const bench = {
    start: () => { benchT0 = now(); },
    end: () => { process.stderr.write(`bench-ns: ${now() - benchT0}\n`); },
  };
  const instance = await WebAssembly.instantiate(module, {
    wasi_snapshot_preview1: wasi.wasiImport,
    bench,
  });
  const t2 = now();
  process.stderr.write(`compile-ns: ${t1 - t0}\ninstantiate-ns: ${t2 - t1}\n`);
  process.exitCode = wasi.start(instance);
}

main().catch((e) => {
  process.stderr.write(`v8_runner: ${e && e.stack ? e.stack : e}\n`);
  process.exitCode = 1;
});
