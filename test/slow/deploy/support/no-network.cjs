'use strict';
// Preloaded (`node --require`) into `osls package` by the deploy tests: every attempt to
// open a TCP connection or resolve a host name is refused and written to the file named
// by TI_NETWORK_LOG, so a test can assert that packaging needed no network at all, even
// where osls would swallow the error (telemetry, update checks).
// CommonJS because --require loads it before any ESM loader exists.
const fs = require('node:fs');
const net = require('node:net');
const dns = require('node:dns');

const logFile = process.env.TI_NETWORK_LOG;
const refuse = (what) => {
  if (logFile) fs.appendFileSync(logFile, `${process.pid} ${what}\n`);
  return new Error(`network access refused during offline packaging: ${what}`);
};

const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function connect(...args) {
  // net.createConnection passes its normalized [options, callback] pair as one argument.
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const options = typeof first === 'object' && first !== null ? first : { port: first, host: args[1] };
  // Unix sockets and pipes (esbuild's service, child processes) are local, not network.
  if (options.path !== undefined) return originalConnect.apply(this, args);
  const error = refuse(`connect ${options.host ?? 'localhost'}:${options.port}`);
  process.nextTick(() => this.destroy(error));
  return this;
};

dns.lookup = (hostname, ...rest) => {
  const callback = rest.find((item) => typeof item === 'function');
  const error = refuse(`lookup ${hostname}`);
  if (callback) process.nextTick(() => callback(error));
};
dns.promises.lookup = async (hostname) => {
  throw refuse(`lookup ${hostname}`);
};
