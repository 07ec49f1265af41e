// The page of `lenet serve`: classifies a picture, a drawing or a test image on the server, and
// the same 28x28 pixels with the same model in this browser (ONNX Runtime Web), side by side.
// Everything that comes from the model (labels, names) is set as text, never as HTML. The Train
// tab (train-tab.mjs) can hand this page a model trained in the browser to classify with.

import { setUpTraining } from "/assets/train-tab.mjs";

const CLASSES = 10;
const $ = (id) => document.getElementById(id);
let info = null;
let browserSession = null; // a promise of { ort, session } once the first image asks for it
let trainedModel = null; // the name of a model trained on the Train tab, once it is in use
let answered = 0; // classifications shown, as data-answered on #conversion (for tests and assistive tools)

async function getJson(url, init) {
  const response = await fetch(url, init);
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ?? `${response.status} ${response.statusText}`);
  return body;
}

function describeModel() {
  const accuracy = info.test_accuracy == null ? "no test accuracy recorded" : `test accuracy ${info.test_accuracy}`;
  $("model").textContent = `${info.model}: LeNet-5 '${info.variant}', ${accuracy}; classes: ${info.labels.join(", ")}.`;
}

function renderBars(list, labels, probabilities) {
  const ranked = [...probabilities.keys()].sort((a, b) => probabilities[b] - probabilities[a]).slice(0, 5);
  list.replaceChildren(...ranked.map((k) => {
    const item = document.createElement("li");
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = labels[k];
    const bar = document.createElement("span");
    bar.className = "bar";
    bar.style.width = `${Math.max(1, probabilities[k] * 100)}%`;
    bar.setAttribute("aria-hidden", "true");
    const value = document.createElement("span");
    value.textContent = probabilities[k].toFixed(3);
    item.append(name, bar, value);
    item.dataset.label = labels[k];
    return item;
  }));
}

function drawPixels(canvas, pixels, scale = 255) {
  const context = canvas.getContext("2d");
  const image = context.createImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    const v = Math.round(pixels[i] * scale);
    image.data.set([v, v, v, 255], i * 4);
  }
  context.putImageData(image, 0, 0);
}

async function loadBrowserModel(bytes = null) {
  if (!info.browser) throw new Error("the ONNX Runtime Web files are not installed beside the server (tools/install-prerequisites.sh installs them)");
  const ort = await import("/ort/ort.wasm.min.mjs");
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.wasmPaths = "/ort/";
  const model = bytes ?? await (await fetch("/v1/model")).arrayBuffer();
  const session = await ort.InferenceSession.create(model, { executionProviders: ["wasm"] });
  return { ort, session };
}

async function classifyInBrowser(pixels, serverLogits) {
  const status = $("browser-status");
  try {
    browserSession ??= loadBrowserModel();
    const { ort, session } = await browserSession;
    const input = new ort.Tensor("float32", Float32Array.from(pixels), [1, 1, 28, 28]);
    const output = await session.run({ image: input });
    const logits = output.logits.data;
    const probabilities = Array.from(output.probabilities.data);
    renderBars($("browser"), info.labels, probabilities);
    let largest = 0;
    for (let k = 0; k < CLASSES; k++) largest = Math.max(largest, Math.abs(logits[k] - serverLogits[k]));
    if (trainedModel) {
      status.textContent = `${trainedModel}, trained on this page, run here.`;
      $("difference").textContent = `Top class here: ${info.labels[probabilities.indexOf(Math.max(...probabilities))]} (the server runs its own model).`;
      delete $("difference").dataset.difference;
    } else {
      status.textContent = "Same model, run here.";
      $("difference").textContent = `Largest logit difference from the server: ${largest.toExponential(2)}.`;
      $("difference").dataset.difference = String(largest);
    }
  } catch (error) {
    status.textContent = `The in-browser mode is unavailable: ${error.message}.`;
    $("browser").replaceChildren();
    $("difference").textContent = "";
  }
}

async function classify(body, type) {
  $("conversion").textContent = "Classifying…";
  try {
    const answer = await getJson(`/v1/classify?top=${CLASSES}&explain=true`, { method: "POST", headers: { "Content-Type": type }, body });
    drawPixels($("seen"), answer.pixels, 255);
    const steps = answer.conversion ? `${answer.conversion}${answer.inverted ? " (inverted)" : ""}` : "the pixels as given";
    $("conversion").textContent = `Top class: ${answer.label} (${answer.probability.toFixed(3)}). Conversion: ${steps}.`;
    $("conversion").dataset.answered = String(++answered);
    $("server").dataset.label = answer.label;
    renderBars($("server"), info.labels, answer.probabilities);
    await classifyInBrowser(answer.pixels, answer.logits);
  } catch (error) {
    $("conversion").textContent = `Could not classify: ${error.message}`;
  }
}

function setUpDrop() {
  const drop = $("drop");
  const take = (file) => { if (file) classify(file, file.type || "application/octet-stream"); };
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => { e.preventDefault(); drop.classList.remove("over"); take(e.dataTransfer.files[0]); });
  drop.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); $("file").click(); } });
  $("file").addEventListener("change", (e) => take(e.target.files[0]));
  document.addEventListener("paste", (e) => {
    const item = [...e.clipboardData.items].find((i) => i.type.startsWith("image/"));
    if (item) take(item.getAsFile());
  });
}

function setUpPad() {
  const pad = $("pad");
  const context = pad.getContext("2d");
  let erasing = false;
  let last = null;
  const clear = () => { context.fillStyle = "#000"; context.fillRect(0, 0, pad.width, pad.height); };
  const point = (e) => {
    const box = pad.getBoundingClientRect();
    return [(e.clientX - box.left) * (pad.width / box.width), (e.clientY - box.top) * (pad.height / box.height)];
  };
  const stroke = (to) => {
    context.strokeStyle = erasing ? "#000" : "#fff";
    context.lineWidth = erasing ? 36 : 22;
    context.lineCap = "round";
    context.beginPath();
    context.moveTo(...(last ?? to));
    context.lineTo(...to);
    context.stroke();
    last = to;
  };
  clear();
  pad.addEventListener("pointerdown", (e) => { pad.setPointerCapture(e.pointerId); last = null; stroke(point(e)); });
  pad.addEventListener("pointermove", (e) => { if (pad.hasPointerCapture(e.pointerId)) stroke(point(e)); });
  pad.addEventListener("pointerup", () => { last = null; pad.toBlob((blob) => classify(blob, "image/png"), "image/png"); });
  const mode = (eraser) => { erasing = eraser; $("pen").setAttribute("aria-pressed", String(!eraser)); $("eraser").setAttribute("aria-pressed", String(eraser)); };
  $("pen").addEventListener("click", () => mode(false));
  $("eraser").addEventListener("click", () => mode(true));
  $("clear").addEventListener("click", clear);
  $("classify-drawing").addEventListener("click", () => pad.toBlob((blob) => classify(blob, "image/png"), "image/png"));
}

async function setUpGallery() {
  const { images } = await getJson("/v1/samples");
  if (images.length === 0) {
    $("gallery").textContent = "No test images: the server found no Fashion-MNIST data set.";
    return;
  }
  $("gallery").replaceChildren(...images.map((sample, n) => {
    const button = document.createElement("button");
    button.type = "button";
    button.setAttribute("role", "listitem");
    button.setAttribute("aria-label", `Test image ${n + 1}: ${sample.label}`);
    button.dataset.label = sample.label;
    const canvas = document.createElement("canvas");
    canvas.width = 28;
    canvas.height = 28;
    drawPixels(canvas, sample.pixels, 1);
    button.append(canvas);
    button.addEventListener("click", () => classify(Uint8Array.from(sample.pixels), "application/octet-stream"));
    return button;
  }));
}

function setUpTabs() {
  const tabs = [["tab-classify", "classify-tab"], ["tab-train", "train-tab"]];
  for (const [tab, panel] of tabs) {
    $(tab).addEventListener("click", () => {
      for (const [other, otherPanel] of tabs) {
        $(other).setAttribute("aria-selected", String(other === tab));
        $(otherPanel).hidden = other !== tab;
      }
    });
  }
}

function useTrainedModel(bytes, name) {
  trainedModel = name;
  browserSession = loadBrowserModel(bytes);
  $("browser-heading").textContent = `This browser (ONNX Runtime Web): ${name}`;
  $("browser-status").textContent = `${name} is used for the next image.`;
}

async function main() {
  setUpTabs();
  try {
    info = await getJson("/v1/info");
    describeModel();
  } catch (error) {
    $("model").textContent = `The server did not describe its model: ${error.message}`;
    return;
  }
  setUpDrop();
  setUpPad();
  const training = setUpTraining(useTrainedModel);
  await setUpGallery();
  await training;
  if (!info.browser) $("browser-status").textContent = "The in-browser mode is unavailable: the ONNX Runtime Web files are not installed beside the server.";
}

main();
