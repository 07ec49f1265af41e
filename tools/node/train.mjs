// Trains LeNet in Node with onnxruntime-node from the artifacts `lenet artifacts` writes, as
// `lenet train` does in C# (one replica): same shuffle, batches, optimizer, checkpoints (each
// resumes the other's) and an exported inference model the Runtime library loads.
//
//   lenet artifacts --recipe d2l --output art
//   node tools/node/train.mjs --artifacts art --epochs 1 --data data --run-dir runs/node -o model.onnx
//
// Exit codes as lenet's: 0 done, 1 an internal error, 2 bad input (one line on stderr),
// 3 an output that cannot be written, 4 diverged, 130 interrupted (Ctrl-C) after checkpointing.

import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { DataError } from "./lenet_data.mjs";
import { Trainer, loadData, metricsJsonl, parseMetrics, parseSteps, readRecipe, resumeCommand, stepsCsv, withOverrides } from "./lenet_train.mjs";

const Exit = { success: 0, internal: 1, badInput: 2, outputFailed: 3, diverged: 4, interrupted: 130 };

const HELP = `usage: node tools/node/train.mjs --artifacts DIR [options]

Trains the network of a LeNetOnnx artifacts directory (lenet artifacts --recipe NAME --output DIR)
with onnxruntime-node, as 'lenet train' does with --replicas 1.

  --artifacts DIR        the artifacts: four models, checkpoint.lnck and recipe.json (required)
  -r, --recipe NAME      check that the artifacts are this recipe's
  -e, --epochs N         passes over the training images (default: the recipe's)
  -b, --batch-size N     examples per step (default: the recipe's)
  --seed N               check that the artifacts were made with this seed (their weights come from it)
  --train-limit N        train on the first N training images
  --data DIR             the data set's four IDX files, .gz or raw (default: ./data, else where
                         the system keeps the data set, e.g. Debian's dataset-fashion-mnist)
  --run-dir DIR          checkpoint, metrics.jsonl and steps.csv (default: runs/node-RECIPE)
  --resume               continue the run directory's checkpoint (C#'s or this trainer's)
  -o, --output FILE      export the trained inference model here
  --threads N            ONNX Runtime intra-op threads (default: its own choice)
  --stop-after-steps N   checkpoint and stop after N steps of this invocation (exit 0)
  -h, --help             this text`;

class UsageError extends Error {}

function parseOptions(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        artifacts: { type: "string" },
        recipe: { type: "string", short: "r" },
        epochs: { type: "string", short: "e" },
        "batch-size": { type: "string", short: "b" },
        seed: { type: "string" },
        "train-limit": { type: "string" },
        data: { type: "string" },
        "run-dir": { type: "string" },
        resume: { type: "boolean" },
        output: { type: "string", short: "o" },
        threads: { type: "string" },
        "stop-after-steps": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw new UsageError(error.message.split("\n")[0]);
  }
  const v = parsed.values;
  if (v.help) return { help: true };
  if (!v.artifacts) throw new UsageError("--artifacts DIR is required (make it with: lenet artifacts --recipe d2l --output DIR)");
  const whole = (name, largest) => {
    const text = v[name];
    if (text === undefined) return null;
    if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > largest) throw new UsageError(`--${name} takes a whole number from 1 to ${largest}, got '${text}'`);
    return Number(text);
  };
  if (v.seed !== undefined && !/^\d+$/.test(v.seed)) throw new UsageError(`--seed takes a whole number, got '${v.seed}'`);
  return {
    artifacts: v.artifacts,
    recipe: v.recipe ?? null,
    epochs: whole("epochs", 10_000),
    batchSize: whole("batch-size", 65_536),
    seed: v.seed ?? null,
    trainLimit: whole("train-limit", 1_000_000_000),
    data: v.data ?? null,
    runDir: v["run-dir"] ?? null,
    resume: v.resume ?? false,
    output: v.output ?? null,
    threads: v.threads === undefined ? 0 : whole("threads", 1024),
    stopAfterSteps: whole("stop-after-steps", Number.MAX_SAFE_INTEGER),
  };
}

function readInput(file, what) {
  try {
    return new Uint8Array(fs.readFileSync(file));
  } catch (error) {
    throw new DataError(error.code === "ENOENT" ? `${what} '${file}' does not exist` : `${what} '${file}' cannot be read (${error.code ?? error.message})`);
  }
}

/** ./data, else the first of the recipe's system directories that holds its training images (as lenet train looks). */
function findDataDirectory(recipe) {
  const candidates = ["data", ...(recipe.system_directories ?? [])];
  const found = candidates.find((d) => recipe.files && fs.existsSync(path.join(d, recipe.files.train_images.name)));
  if (found === undefined) {
    throw new DataError(`no ${recipe.data_set} files in ${candidates.map((d) => `'${path.resolve(d)}'`).join(" or ")}; give the directory holding them with --data DIR`);
  }
  return found;
}

/** Writes through a temporary file in the same directory and a rename: a reader sees the old file or the new one, never half of one. */
function writeAtomically(file, bytes) {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    const handle = fs.openSync(temporary, "w");
    try {
      fs.writeSync(handle, bytes);
      fs.fsyncSync(handle);
    } finally {
      fs.closeSync(handle);
    }
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    const failure = new Error(`cannot write '${file}' (${error.code ?? error.message})`);
    failure.outputFailed = true;
    throw failure;
  }
}

async function main(argv) {
  const options = parseOptions(argv);
  if (options.help) {
    console.log(HELP);
    return Exit.success;
  }
  const artifactFile = (name) => readInput(path.join(options.artifacts, name), "the artifacts' file");
  let recipe = readRecipe(artifactFile("recipe.json"), path.join(options.artifacts, "recipe.json"));
  if (options.recipe !== null && options.recipe !== recipe.name) {
    throw new UsageError(`--recipe ${options.recipe}: the artifacts in '${options.artifacts}' are the '${recipe.name}' recipe's; make them with: lenet artifacts --recipe ${options.recipe} --output DIR`);
  }
  if (options.seed !== null && BigInt(options.seed) !== BigInt(recipe.seed)) {
    throw new UsageError(`--seed ${options.seed}: the artifacts in '${options.artifacts}' were made with seed ${recipe.seed}, and their initial weights come from it; make them with: lenet artifacts --recipe ${recipe.name} --seed ${options.seed} --output DIR`);
  }
  recipe = withOverrides(recipe, { epochs: options.epochs, batchSize: options.batchSize, trainImages: options.trainLimit });
  const artifacts = {
    training: artifactFile("training_model.onnx"),
    eval: artifactFile("eval_model.onnx"),
    optimizer: artifactFile("optimizer_model.onnx"),
    inference: artifactFile("inference_model.onnx"),
    checkpoint: artifactFile("checkpoint.lnck"),
  };
  const runDir = options.runDir ?? path.join("runs", `node-${recipe.name}`);
  const checkpointPath = path.join(runDir, "checkpoint.lnck");
  const stepsPath = path.join(runDir, "steps.csv");
  const metricsPath = path.join(runDir, "metrics.jsonl");
  const resume = options.resume ? readInput(checkpointPath, "the checkpoint to resume") : null;
  if (options.output && fs.existsSync(options.output) && fs.statSync(options.output).isDirectory()) {
    throw new UsageError(`--output '${options.output}' is a directory; give a file name such as model.onnx`);
  }
  const dataDirectory = options.data ?? findDataDirectory(recipe);
  const data = await loadData(recipe, async (name) => readInput(path.join(dataDirectory, name), "the data file"));

  const ort = await import("onnxruntime-node");
  const sessionOptions = { executionProviders: ["cpu"], graphOptimizationLevel: "all", executionMode: "sequential", intraOpNumThreads: options.threads };
  let steps = [];
  let metrics = [];
  if (resume) {
    steps = fs.existsSync(stepsPath) ? parseSteps(fs.readFileSync(stepsPath, "utf8"), stepsPath) : [];
    metrics = fs.existsSync(metricsPath) ? parseMetrics(fs.readFileSync(metricsPath, "utf8"), metricsPath) : [];
  }
  const trainer = await Trainer.create({ ort, artifacts, recipe, data, resume, steps, metrics, sessionOptions });
  fs.mkdirSync(runDir, { recursive: true });

  const save = async () => {
    // Metrics first, as the C# Trainer: a kill between the writes leaves metrics one epoch ahead, never behind.
    writeAtomically(metricsPath, new TextEncoder().encode(metricsJsonl(trainer.metrics)));
    writeAtomically(stepsPath, new TextEncoder().encode(stepsCsv(trainer.steps)));
    writeAtomically(checkpointPath, await trainer.checkpoint());
  };
  let interrupted = false;
  process.on("SIGINT", () => { interrupted = true; });
  let stepsThisRun = 0;
  const stopAt = options.stopAfterSteps ?? Infinity;
  console.log(`training ${recipe.describe} with onnxruntime-node ${ort.env.versions?.common ?? ""}; data from ${path.resolve(dataDirectory)}`);
  const started = performance.now();
  const finished = await trainer.run({
    shouldStop: () => interrupted || stepsThisRun >= stopAt,
    onStep: async () => {
      stepsThisRun++;
      // Let a pending SIGINT be delivered before the next step.
      await new Promise((resolve) => { setImmediate(resolve); });
    },
    onEpoch: async (m) => {
      console.log(`epoch ${m.epoch}, loss ${m.loss.toFixed(4)}, train acc ${m.train_accuracy.toFixed(3)}, test acc ${m.test_accuracy.toFixed(3)}, time ${m.seconds.toFixed(1)} sec, ${Math.round(m.images_per_second).toLocaleString("en-US")} img/s`);
      await save();
    },
  });
  if (!finished) {
    await save();
    if (interrupted) {
      console.error(`train.mjs: interrupted; the checkpoint in '${path.resolve(runDir)}' holds the position reached. Continue with the same options and --resume, or in .NET: ${resumeCommand(recipe, runDir)}`);
      return Exit.interrupted;
    }
    console.log(`stopped after ${stepsThisRun} steps at epoch ${trainer.position.epoch + 1}, batch ${trainer.position.nextBatch + 1}; the checkpoint is in ${path.resolve(checkpointPath)}`);
    console.log(`continue with the same options and --resume, or in .NET: ${resumeCommand(recipe, runDir)}`);
    return Exit.success;
  }
  console.log(`onnxruntime-node, 1 replica, wall time ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (options.output) {
    const { model } = await trainer.exportModel(`tools/node/train.mjs, onnxruntime-node ${ort.env.versions?.common ?? ""}`);
    const directory = path.dirname(path.resolve(options.output));
    if (!fs.existsSync(directory)) fs.mkdirSync(directory, { recursive: true });
    writeAtomically(options.output, model);
    console.log(`wrote ${path.resolve(options.output)}`);
  }
  if (trainer.metrics.length > 0) console.log(`test accuracy ${trainer.metrics.at(-1).test_accuracy.toFixed(4)}`);
  return Exit.success;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error) => {
    if (error instanceof UsageError || error instanceof DataError) {
      console.error(`train.mjs: ${error.message}`);
      process.exitCode = error.message.startsWith("training diverged") ? Exit.diverged : Exit.badInput;
    } else if (error.outputFailed) {
      console.error(`train.mjs: ${error.message}`);
      process.exitCode = Exit.outputFailed;
    } else {
      console.error(`train.mjs: internal error: ${error.stack}`);
      process.exitCode = Exit.internal;
    }
  });
