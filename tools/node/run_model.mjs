#!/usr/bin/env node
// Runs ONNX models with onnxruntime-node, as a second runtime independent of the
// C# one, for parity tests. See README.md beside this file for the manifest format.
//
// Exit codes: 0 success, 1 a job or the manifest failed (message on stderr),
// 2 the command line was wrong.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const USAGE = 'usage: node tools/node/run_model.mjs MANIFEST.json';

const HELP = `${USAGE}

Runs each job of the manifest with onnxruntime-node (CPU, 1 intra-op thread,
all graph optimizations) and writes the named outputs as raw little-endian arrays.

MANIFEST.json:
  {"jobs": [{"model": "m.onnx",
             "inputs":  {"image": {"file": "x.bin", "type": "float32", "shape": [N, 1, 28, 28]}},
             "outputs": {"logits": "out.bin"}}]}

Input types: float32, float64, int64. Outputs keep the model's own element type.
Relative paths resolve against the manifest's folder. Each distinct model is
loaded once. Every input file is checked before any job runs.`;

// Input element types the manifest may name.
const INPUT_TYPES = {
  float32: { array: Float32Array, bytes: 4 },
  float64: { array: Float64Array, bytes: 8 },
  int64: { array: BigInt64Array, bytes: 8 },
};

const JOB_KEYS = ['model', 'inputs', 'outputs'];
const INPUT_KEYS = ['file', 'type', 'shape'];

/** An error reported as one line on stderr, without a stack trace. */
class ToolError extends Error {}

const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
const formatShape = (dims) => `[${dims.join(',')}]`;
const quoteList = (names) => names.map((n) => `'${n}'`).join(', ') || '(none)';

function parseArgs(argv) {
  if (argv.length === 1 && (argv[0] === '-h' || argv[0] === '--help')) {
    console.log(HELP);
    process.exit(0);
  }
  if (argv.length !== 1 || argv[0].startsWith('-')) {
    const problem = argv.length === 0 ? 'missing MANIFEST.json'
      : argv.length > 1 ? `expected one argument, got ${argv.length}`
        : `unknown option ${argv[0]}`;
    console.error(`error: ${problem}\n${USAGE}`);
    process.exit(2);
  }
  return argv[0];
}

/** Reads and checks the manifest; returns its jobs with absolute paths. */
function readManifest(manifestPath) {
  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  } catch (error) {
    throw new ToolError(`cannot read manifest ${manifestPath}: ${error.message}`);
  }
  const where = `manifest ${manifestPath}`;
  if (!isObject(manifest) || !Array.isArray(manifest.jobs) || manifest.jobs.length === 0) {
    throw new ToolError(`${where}: expected {"jobs": [...]} with at least one job`);
  }
  const base = path.dirname(path.resolve(manifestPath));
  const resolve = (p) => path.resolve(base, p);
  const outputFiles = new Map();

  return manifest.jobs.map((job, index) => {
    const at = `${where}: job ${index}`;
    if (!isObject(job)) throw new ToolError(`${at}: must be an object`);
    const extra = Object.keys(job).filter((k) => !JOB_KEYS.includes(k));
    if (extra.length > 0) {
      throw new ToolError(`${at}: unknown key(s) ${quoteList(extra)}; allowed: ${quoteList(JOB_KEYS)}`);
    }
    if (typeof job.model !== 'string' || job.model === '') {
      throw new ToolError(`${at}: "model" must be a non-empty string`);
    }
    if (!isObject(job.inputs)) {
      throw new ToolError(`${at}: "inputs" must be an object {name: {file, type, shape}}`);
    }
    if (!isObject(job.outputs) || Object.keys(job.outputs).length === 0) {
      throw new ToolError(`${at}: "outputs" must be a non-empty object {name: file}`);
    }

    const inputs = Object.entries(job.inputs).map(([name, spec]) => {
      const atInput = `${at}: input '${name}'`;
      if (!isObject(spec)) throw new ToolError(`${atInput}: must be {"file", "type", "shape"}`);
      const keys = Object.keys(spec);
      const missing = INPUT_KEYS.filter((k) => !keys.includes(k));
      const unknown = keys.filter((k) => !INPUT_KEYS.includes(k));
      if (missing.length > 0 || unknown.length > 0) {
        throw new ToolError(`${atInput}: must have exactly the keys ${quoteList(INPUT_KEYS)}, got ${quoteList(keys)}`);
      }
      if (typeof spec.file !== 'string' || spec.file === '') {
        throw new ToolError(`${atInput}: "file" must be a non-empty string`);
      }
      if (!Object.hasOwn(INPUT_TYPES, spec.type)) {
        throw new ToolError(`${atInput}: type ${JSON.stringify(spec.type)} is not one of ${Object.keys(INPUT_TYPES).join(', ')}`);
      }
      if (!Array.isArray(spec.shape) || !spec.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
        throw new ToolError(`${atInput}: "shape" must be an array of non-negative integers, got ${JSON.stringify(spec.shape)}`);
      }
      return { name, file: resolve(spec.file), type: spec.type, shape: spec.shape };
    });

    const outputs = Object.entries(job.outputs).map(([name, file]) => {
      if (typeof file !== 'string' || file === '') {
        throw new ToolError(`${at}: output '${name}' must map to a non-empty file name`);
      }
      const target = resolve(file);
      const previous = outputFiles.get(target);
      if (previous !== undefined) {
        throw new ToolError(`${at}: output '${name}' writes ${target}, which ${previous} already writes`);
      }
      outputFiles.set(target, `job ${index} output '${name}'`);
      return { name, file: target };
    });

    return { index, model: resolve(job.model), inputs, outputs };
  });
}

/** Checks that each input file exists and holds exactly shape × element size bytes. */
function checkInputFile(job, input) {
  let stat;
  try {
    stat = fs.statSync(input.file);
  } catch (error) {
    const reason = error.code === 'ENOENT' ? 'file not found' : error.message;
    throw new ToolError(`job ${job.index}: input '${input.name}': ${reason}: ${input.file}`);
  }
  if (!stat.isFile()) {
    throw new ToolError(`job ${job.index}: input '${input.name}': not a regular file: ${input.file}`);
  }
  const count = input.shape.reduce((a, b) => a * b, 1);
  const expected = count * INPUT_TYPES[input.type].bytes;
  if (stat.size !== expected) {
    throw new ToolError(`job ${job.index}: input '${input.name}': ${input.file} has ${stat.size} bytes; `
      + `${input.type} ${formatShape(input.shape)} needs ${expected}`);
  }
}

/** Checks the job's input and output names and input types against the model. */
function checkNames(job, session) {
  const at = `job ${job.index} (${job.model})`;
  const given = job.inputs.map((i) => i.name);
  const unknownIn = given.filter((n) => !session.inputNames.includes(n));
  if (unknownIn.length > 0) {
    throw new ToolError(`${at}: unknown input(s) ${quoteList(unknownIn)}; the model's inputs are ${quoteList(session.inputNames)}`);
  }
  const missingIn = session.inputNames.filter((n) => !given.includes(n));
  if (missingIn.length > 0) {
    throw new ToolError(`${at}: model input(s) ${quoteList(missingIn)} not given; the model's inputs are ${quoteList(session.inputNames)}`);
  }
  const unknownOut = job.outputs.map((o) => o.name).filter((n) => !session.outputNames.includes(n));
  if (unknownOut.length > 0) {
    throw new ToolError(`${at}: unknown output(s) ${quoteList(unknownOut)}; the model's outputs are ${quoteList(session.outputNames)}`);
  }
  for (const input of job.inputs) {
    const meta = session.inputMetadata?.find((m) => m.name === input.name);
    if (meta?.isTensor && meta.type !== input.type) {
      throw new ToolError(`${at}: input '${input.name}' is ${input.type} in the manifest but ${meta.type} in the model`);
    }
  }
}

/** Reads a raw little-endian file into a typed array of the input's type. */
function readInput(input) {
  const { array, bytes } = INPUT_TYPES[input.type];
  const file = fs.readFileSync(input.file);
  const data = new Uint8Array(file.length); // own, aligned copy (pool buffers may be misaligned)
  data.set(file);
  if (os.endianness() === 'BE') swapBytes(Buffer.from(data.buffer), bytes);
  return new array(data.buffer);
}

function swapBytes(buffer, size) {
  if (size === 2) buffer.swap16();
  else if (size === 4) buffer.swap32();
  else if (size === 8) buffer.swap64();
}

/** Writes a tensor's data as raw little-endian: temp file, fsync, rename. */
function writeOutput(file, tensor) {
  const data = tensor.data;
  if (!ArrayBuffer.isView(data)) {
    throw new ToolError(`cannot write ${tensor.type} output to ${file}: not a numeric tensor`);
  }
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const out = os.endianness() === 'BE' ? Buffer.from(bytes) : bytes;
  if (os.endianness() === 'BE') swapBytes(out, data.BYTES_PER_ELEMENT);

  const temp = `${file}.${process.pid}.tmp`;
  try {
    const fd = fs.openSync(temp, 'w');
    try {
      for (let done = 0; done < out.length;) done += fs.writeSync(fd, out, done);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw new ToolError(`cannot write output ${file}: ${error.message}`);
  }
}

async function loadRuntime() {
  try {
    return (await import('onnxruntime-node')).default;
  } catch (error) {
    throw new ToolError(`cannot load onnxruntime-node (${error.message}); `
      + `install it with: cd ${path.dirname(fileURLToPath(import.meta.url))} && npm ci --ignore-scripts`);
  }
}

async function main() {
  const manifestPath = parseArgs(process.argv.slice(2));
  const jobs = readManifest(manifestPath);
  for (const job of jobs) job.inputs.forEach((input) => checkInputFile(job, input));

  const ort = await loadRuntime();
  const options = {
    executionProviders: ['cpu'],
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  };
  const sessions = new Map();
  for (const job of jobs) {
    if (!sessions.has(job.model)) {
      if (!fs.existsSync(job.model)) throw new ToolError(`job ${job.index}: model file not found: ${job.model}`);
      try {
        sessions.set(job.model, await ort.InferenceSession.create(job.model, options));
      } catch (error) {
        throw new ToolError(`job ${job.index}: cannot load model ${job.model}: ${error.message}`);
      }
    }
    checkNames(job, sessions.get(job.model));
  }

  for (const job of jobs) {
    const session = sessions.get(job.model);
    const feeds = {};
    for (const input of job.inputs) {
      feeds[input.name] = new ort.Tensor(input.type, readInput(input), input.shape);
    }
    let results;
    try {
      results = await session.run(feeds, job.outputs.map((o) => o.name));
    } catch (error) {
      throw new ToolError(`job ${job.index} (${job.model}): run failed: ${error.message}`);
    }
    const shapes = job.outputs.map(({ name, file }) => {
      const tensor = results[name];
      try {
        writeOutput(file, tensor);
      } catch (error) {
        throw new ToolError(`job ${job.index}: output '${name}': ${error.message}`);
      }
      return `${name} ${tensor.type} ${formatShape(tensor.dims)}`;
    });
    console.log(`job ${job.index} ${path.basename(job.model)}: ${shapes.join(', ')}`);
  }
}

try {
  await main();
} catch (error) {
  if (!(error instanceof ToolError)) throw error;
  console.error(`error: ${error.message}`);
  process.exitCode = 1;
}
