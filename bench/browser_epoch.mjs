// One training run on the page's Train tab in headless Chromium, driven through chromedriver's
// WebDriver HTTP protocol (no dependency): prints the epoch lines the page shows, as JSON.
//
//   node bench/browser_epoch.mjs SERVER_URL RECIPE IMAGES EPOCHS
//
// Needs chromium and chromium-driver (tools/install-prerequisites.sh) and a `lenet serve` with
// the Fashion-MNIST files. Used by bench/js-trainers.sh.

import { spawn } from "node:child_process";

const [url, recipe, images, epochs] = process.argv.slice(2);
if (!url || !recipe || !images || !epochs) {
  console.error("usage: node bench/browser_epoch.mjs SERVER_URL RECIPE IMAGES EPOCHS");
  process.exit(2);
}
const port = 9515 + Math.floor(Math.random() * 400);
const driver = spawn("/usr/bin/chromedriver", [`--port=${port}`], { stdio: "ignore" });
const base = `http://127.0.0.1:${port}`;
const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

async function call(method, path, body) {
  const response = await fetch(base + path, { method, headers: { "Content-Type": "application/json" }, body: body && JSON.stringify(body) });
  const answer = await response.json();
  if (!response.ok) throw new Error(`${method} ${path}: ${JSON.stringify(answer.value)}`);
  return answer.value;
}

let session = null;
try {
  for (let i = 0; ; i++) {
    try { await call("GET", "/status"); break; } catch (error) { if (i > 50) throw error; await sleep(100); }
  }
  ({ sessionId: session } = await call("POST", "/session", {
    capabilities: { alwaysMatch: { "goog:chromeOptions": { binary: "/usr/bin/chromium", args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] } } },
  }));
  const run = (script, ...args) => call("POST", `/session/${session}/execute/sync`, { script, args });
  await call("POST", `/session/${session}/url`, { url });
  for (let i = 0; !(await run("return document.querySelector(`#train-recipe option[value='${arguments[0]}']`) !== null;", recipe)); i++) {
    if (i > 300) throw new Error("the Train tab listed no such recipe");
    await sleep(100);
  }
  await run(`document.getElementById("tab-train").click();
    document.getElementById("train-recipe").value = arguments[0];
    document.getElementById("train-images").value = arguments[1];
    document.getElementById("train-epochs").value = arguments[2];
    document.getElementById("train-start").click();`, recipe, images, epochs);
  for (;;) {
    const done = await run(`return document.getElementById("train-status").dataset.done ?? null;`);
    if (done) {
      const status = await run(`return document.getElementById("train-status").textContent;`);
      if (done !== "finished") throw new Error(status);
      const lines = await run(`return [...document.querySelectorAll("#train-epochs-list li")].map((li) => li.textContent);`);
      console.log(JSON.stringify({ status, epochs: lines }));
      break;
    }
    await sleep(250);
  }
} catch (error) {
  console.error(`browser_epoch: ${error.message}`);
  process.exitCode = 1;
} finally {
  if (session) await call("DELETE", `/session/${session}`).catch(() => {});
  driver.kill();
}
