// The Train tab: picks a recipe and a number of training images, trains in a Web Worker
// (train-worker.mjs, ONNX Runtime Web), draws the loss of every step and the accuracy of every
// epoch as they come, stops on request, and offers the model (and its checkpoint, which
// `lenet train --replicas 1 --resume` continues) for download or for classifying on this page.

const $ = (id) => document.getElementById(id);

function drawCurves(canvas, losses, epochs) {
  const context = canvas.getContext("2d");
  const { width, height } = canvas;
  const style = getComputedStyle(document.documentElement);
  context.clearRect(0, 0, width, height);
  context.font = "12px system-ui, sans-serif";
  context.fillStyle = style.getPropertyValue("--muted");
  context.strokeStyle = style.getPropertyValue("--muted");
  // Loss on the left axis, test accuracy (0 to 1) on the right one.
  context.strokeRect(40.5, 10.5, width - 90, height - 40);
  context.fillText("acc 1", width - 44, 20);
  context.fillText("acc 0", width - 44, height - 30);
  if (losses.length === 0) return;
  const top = Math.max(...losses.filter(Number.isFinite), 0.1);
  context.fillText(top.toFixed(2), 2, 20);
  context.fillText("loss 0", 2, height - 30);
  context.fillText(`step ${losses.length}`, width - 110, height - 12);
  const x = (i, n) => 41 + ((width - 92) * i) / Math.max(1, n - 1);
  const y = (v) => 10 + (height - 40) * (1 - Math.min(v, top) / top);
  context.strokeStyle = style.getPropertyValue("--accent");
  context.beginPath();
  losses.forEach((v, i) => (i === 0 ? context.moveTo(x(i, losses.length), y(v)) : context.lineTo(x(i, losses.length), y(v))));
  context.stroke();
  // Test accuracy (0..1 on the same axis height) at each epoch's last step.
  context.fillStyle = style.getPropertyValue("--ink");
  for (const m of epochs) {
    const px = x(m.step - 1, losses.length);
    const py = 10 + (height - 40) * (1 - m.test_accuracy);
    context.fillRect(px - 3, py - 3, 6, 6);
    context.fillText(`test acc ${m.test_accuracy.toFixed(3)}`, Math.min(px + 5, width - 150), py - 5);
  }
}

/** Sets up the tab; `useModel(bytes, name)` makes the page classify with a trained model. */
export async function setUpTraining(useModel) {
  let listing;
  try {
    const response = await fetch("/v1/train");
    listing = await response.json();
    if (!response.ok) throw new Error(listing.error ?? response.statusText);
  } catch (error) {
    $("train-status").textContent = `Training is unavailable: ${error.message}.`;
    return;
  }
  $("train-recipe").replaceChildren(...listing.recipes.map((r) => {
    const option = document.createElement("option");
    option.value = r.name;
    option.textContent = `${r.name} (batch ${r.batch_size})`;
    return option;
  }));
  $("train-data-note").textContent = listing.data
    ? `The images come from the server's ${listing.data_set} files, unless you pick your own copies.`
    : `The server has no ${listing.data_set} files (start it with --data DIR): pick the four files here.`;

  let worker = null;
  let losses = [];
  let epochs = [];
  const finish = () => {
    $("train-start").disabled = false;
    $("train-stop").disabled = true;
    worker?.terminate();
    worker = null;
  };
  $("train-start").addEventListener("click", async () => {
    const trainImages = Number($("train-images").value);
    const epochCount = Number($("train-epochs").value);
    if (!Number.isInteger(trainImages) || trainImages < 1 || !Number.isInteger(epochCount) || epochCount < 1) {
      $("train-status").textContent = "Give whole numbers of at least 1 for the images and the epochs.";
      return;
    }
    let files = null;
    if ($("train-files").files.length > 0) {
      files = {};
      for (const file of $("train-files").files) files[file.name] = await file.arrayBuffer();
    }
    losses = [];
    epochs = [];
    $("train-chart").dataset.steps = "0";
    delete $("train-status").dataset.done;
    drawCurves($("train-chart"), losses, epochs);
    $("train-epochs-list").replaceChildren();
    $("train-result").hidden = true;
    $("train-start").disabled = true;
    $("train-stop").disabled = false;
    const started = performance.now();
    worker = new Worker("/assets/train-worker.mjs", { type: "module" });
    worker.onerror = (event) => { $("train-status").textContent = `The training worker failed: ${event.message ?? "unknown error"}.`; finish(); };
    worker.onmessage = ({ data: message }) => {
      if (message.type === "status") {
        $("train-status").textContent = message.text;
      } else if (message.type === "step") {
        losses.push(message.record.loss);
        $("train-chart").dataset.steps = String(losses.length);
        $("train-status").textContent = `Epoch ${message.record.epoch}, batch ${message.record.batch} of ${message.batches}: loss ${message.record.loss.toFixed(4)}.`;
        if (losses.length % 4 === 1) drawCurves($("train-chart"), losses, epochs);
      } else if (message.type === "epoch") {
        epochs.push({ ...message.metrics, step: losses.length });
        const item = document.createElement("li");
        const m = message.metrics;
        item.textContent = `epoch ${m.epoch}: loss ${m.loss.toFixed(4)}, train acc ${m.train_accuracy.toFixed(3)}, test acc ${m.test_accuracy.toFixed(3)}, ${m.seconds.toFixed(1)} s, ${Math.round(m.images_per_second)} img/s`;
        $("train-epochs-list").append(item);
        drawCurves($("train-chart"), losses, epochs);
      } else if (message.type === "done") {
        drawCurves($("train-chart"), losses, epochs);
        const name = `lenet-${$("train-recipe").value}-browser.onnx`;
        const model = new Blob([message.model], { type: "application/octet-stream" });
        $("train-download").href = URL.createObjectURL(model);
        $("train-download").download = name;
        $("train-checkpoint").href = URL.createObjectURL(new Blob([message.checkpoint], { type: "application/octet-stream" }));
        $("train-checkpoint").download = "checkpoint.lnck";
        $("train-steps").href = URL.createObjectURL(new Blob([message.steps], { type: "text/csv" }));
        $("train-steps").download = "steps.csv";
        $("train-resume").textContent = message.resume;
        const wall = ((performance.now() - started) / 1000).toFixed(1);
        $("train-status").textContent = `${message.finished ? "Finished" : "Stopped"} after ${message.stepCount} steps: test accuracy ${message.metrics.test_accuracy.toFixed(4)} (${wall} s in all).`;
        $("train-status").dataset.done = message.finished ? "finished" : "stopped";
        $("train-result").hidden = false;
        $("train-use").onclick = () => {
          useModel(message.model, name, message.metrics.test_accuracy);
          $("train-use").textContent = "Classifying with it: see the Classify tab";
        };
        finish();
      } else if (message.type === "error") {
        $("train-status").textContent = `Training stopped: ${message.message}.`;
        $("train-status").dataset.done = "error";
        finish();
      }
    };
    worker.postMessage({ type: "start", recipe: $("train-recipe").value, epochs: epochCount, trainImages, files });
  });
  $("train-stop").addEventListener("click", () => {
    worker?.postMessage({ type: "stop" });
    $("train-stop").disabled = true;
    $("train-status").textContent = "Stopping after this step…";
  });
  drawCurves($("train-chart"), losses, epochs);
}
