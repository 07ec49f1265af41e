// The fourth runtime of the parity suite: ONNX Runtime Web (WebAssembly, one thread) in
// headless Chromium. Served by BrowserRuntime with the models, the images and ORT Web's files;
// runs every model on every image in chunks and posts each model's logits back as float32.
import * as ort from "/ort/ort.wasm.min.mjs";

const PIXELS = 28 * 28;
const CLASSES = 10;

async function run() {
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.wasmPaths = "/ort/";
  const manifest = await (await fetch("/manifest.json")).json();
  const images = new Float32Array(await (await fetch("/images.bin")).arrayBuffer());
  for (let m = 0; m < manifest.models; m++) {
    const model = await (await fetch(`/model/${m}`)).arrayBuffer();
    const session = await ort.InferenceSession.create(model, { executionProviders: ["wasm"], graphOptimizationLevel: "all" });
    const logits = new Float32Array(manifest.count * CLASSES);
    for (let start = 0; start < manifest.count; start += manifest.chunk) {
      const n = Math.min(manifest.chunk, manifest.count - start);
      const input = new ort.Tensor("float32", images.subarray(start * PIXELS, (start + n) * PIXELS), [n, 1, 28, 28]);
      const output = await session.run({ image: input }, ["logits"]);
      logits.set(output.logits.data, start * CLASSES);
    }
    await session.release();
    await fetch(`/result/${m}`, { method: "POST", body: logits });
  }
  document.title = `done ${ort.env.versions?.web ?? ""}`;
}

run().catch(async (error) => {
  await fetch("/error", { method: "POST", body: String(error?.message ?? error) });
  document.title = "error";
});
