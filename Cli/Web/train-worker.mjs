// The Train tab's worker: trains with ONNX Runtime Web off the page's thread, running the same
// loop as tools/node/train.mjs and the C# Trainer (lenet_train.mjs) on the artifacts and data the
// server hands out (or data files the user picked). Messages in: { type: "start", recipe, epochs,
// trainImages, files } and { type: "stop" }. Out: "status", "step", "epoch", "done" (the model and
// checkpoint bytes) and "error" (one line).

import { DataError } from "/assets/lenet_data.mjs";
import { Trainer, loadData, readRecipe, resumeCommand, stepsCsv, withOverrides } from "/assets/lenet_train.mjs";

const FILES = ["training_model.onnx", "eval_model.onnx", "optimizer_model.onnx", "inference_model.onnx", "checkpoint.lnck", "recipe.json"];
let stopping = false;

// A task of its own through a MessageChannel: behind a "stop" message already queued, and without
// the 4 ms clamp of nested timeouts (scheduler.yield() would resume ahead of the messages).
const channel = new MessageChannel();
const waiting = [];
channel.port1.onmessage = () => waiting.shift()?.();
const yieldToMessages = () => new Promise((resolve) => { waiting.push(resolve); channel.port2.postMessage(0); });

async function download(url) {
  const response = await fetch(url);
  if (!response.ok) {
    let why = `${response.status} ${response.statusText}`;
    try { why = (await response.json()).error ?? why; } catch { /* not JSON */ }
    throw new DataError(why);
  }
  return new Uint8Array(await response.arrayBuffer());
}

async function train({ recipe: name, epochs, trainImages, files }) {
  const ort = await import("/ort/ort.wasm.min.mjs");
  // WebAssembly threads where the page is cross-origin isolated (lenet serve's is), else one.
  ort.env.wasm.numThreads = self.crossOriginIsolated ? Math.min(navigator.hardwareConcurrency ?? 1, 4) : 1;
  ort.env.wasm.wasmPaths = "/ort/";
  postMessage({ type: "status", text: `Downloading the '${name}' artifacts…` });
  const base = `/v1/train/${encodeURIComponent(name)}/`;
  const [training, evalModel, optimizer, inference, checkpoint, recipeBytes] = await Promise.all(FILES.map((f) => download(base + f)));
  const recipe = withOverrides(readRecipe(recipeBytes), { epochs, trainImages });
  postMessage({ type: "status", text: files ? "Reading the data files you picked…" : "Downloading the training and test images…" });
  const data = await loadData(recipe, async (file) => {
    const picked = files?.[file] ?? files?.[file.replace(/\.gz$/, "")];
    if (files && !picked) throw new DataError(`the files picked do not include ${file}`);
    return picked ? new Uint8Array(picked) : download(`/v1/train/data/${file}`);
  });
  const trainer = await Trainer.create({
    ort,
    artifacts: { training, eval: evalModel, optimizer, inference, checkpoint },
    recipe,
    data,
    sessionOptions: { executionProviders: ["wasm"], graphOptimizationLevel: "all" },
  });
  postMessage({ type: "status", text: `Training ${recipe.describe}.`, describe: recipe.describe, batches: trainer.batches });
  const started = performance.now();
  const finished = await trainer.run({
    shouldStop: () => stopping,
    onStep: async (record, batches) => {
      postMessage({ type: "step", record, batches });
      // ONNX Runtime Web's wasm runs never leave this task: yield so that a "stop" message is handled.
      await yieldToMessages();
    },
    onEpoch: async (metrics) => postMessage({ type: "epoch", metrics }),
  });
  const seconds = (performance.now() - started) / 1000;
  const { model, metrics: last } = await trainer.exportModel(`the page's Train tab, onnxruntime-web ${ort.env.versions?.web ?? ort.env.versions?.common ?? ""}`);
  const saved = await trainer.checkpoint();
  postMessage({ type: "done", finished, seconds, metrics: last, stepCount: trainer.position.step, steps: stepsCsv(trainer.steps), resume: resumeCommand(recipe, "RUN_DIR"), model, checkpoint: saved }, [model.buffer, saved.buffer]);
}

self.onmessage = (event) => {
  const message = event.data;
  if (message.type === "stop") {
    stopping = true;
  } else if (message.type === "start") {
    stopping = false;
    train(message).catch((error) => postMessage({ type: "error", message: error instanceof DataError ? error.message : String(error?.message ?? error) }));
  }
};
