// The training loop of LeNetOnnx's C# Trainer (TrainingRun with one replica) for any ONNX Runtime
// with the JavaScript API: onnxruntime-node (tools/node/train.mjs) and onnxruntime-web (the page's
// training worker). The caller passes the `ort` module in, so this file imports nothing that ties
// it to Node or to a browser.
//
// What it runs are the artifacts `lenet artifacts` writes: the training model (loss, correct count,
// gradients), the optimizer model (next parameters and state), the eval model (loss, correct count,
// logits) and the inference model, which the export fills with the trained weights. recipe.json
// beside them gives the loop's settings; the checkpoint format and the per-epoch shuffle are in
// lenet_data.mjs.

import { DataError, epochOrder, readCheckpoint, readIdx, sha256Hex, writeCheckpoint } from "./lenet_data.mjs";

const PIXELS = 784;
const RECIPE_FORMAT = "lenet-recipe";
const DIVERGENCE_WINDOW = 20;

/** Checkpoint properties the C# Trainer reads back on --resume (TrainingRun's names). */
const Property = {
  recipe: "recipe",
  replicas: "train.replicas",
  dataSet: "data.set",
  trainSha256: "data.train_images.sha256",
  testSha256: "data.test_images.sha256",
  nextBatch: "train.next_batch",
  lossSum: "train.partial_loss_sum",
  correct: "train.partial_correct",
  seconds: "train.partial_seconds",
};

/** Parses recipe.json and checks that this trainer describes it as C# did (same version of the format). */
export function readRecipe(bytes, source = "recipe.json") {
  let recipe;
  try {
    recipe = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new DataError(`${source} is not JSON (${error.message})`);
  }
  if (recipe?.format !== RECIPE_FORMAT) throw new DataError(`${source} is not a LeNetOnnx recipe (its "format" is not "${RECIPE_FORMAT}")`);
  for (const key of ["name", "variant", "optimizer", "learning_rate_text", "seed", "schedule", "data_set", "describe"]) {
    if (typeof recipe[key] !== "string") throw new DataError(`${source}: "${key}" is missing or not a string`);
  }
  for (const key of ["learning_rate", "batch_size", "epochs"]) {
    if (typeof recipe[key] !== "number" || !(recipe[key] > 0)) throw new DataError(`${source}: "${key}" is missing or not a positive number`);
  }
  if (describe(recipe) !== recipe.describe) {
    throw new DataError(`${source} describes its run as "${recipe.describe}" and this trainer reads it as "${describe(recipe)}": it was written by another version of LeNetOnnx`);
  }
  return recipe;
}

/** The recipe with the run's own epochs, batch size and train limit (null keeps the recipe's). */
export function withOverrides(recipe, { epochs = null, batchSize = null, trainImages = null } = {}) {
  const changed = { ...recipe };
  if (epochs !== null) changed.epochs = positive(epochs, "--epochs", 10_000);
  if (batchSize !== null) changed.batch_size = positive(batchSize, "--batch-size", 65_536);
  if (trainImages !== null) changed.train_images = positive(trainImages, "--train-limit", 1e9);
  changed.describe = describe(changed);
  return changed;
}

function positive(value, option, largest) {
  if (!Number.isInteger(value) || value < 1 || value > largest) throw new DataError(`${option} must be a whole number from 1 to ${largest}, got ${value}`);
  return value;
}

/** TrainingRun.Describe: the line a checkpoint must carry for the C# Trainer to resume it. */
export function describe(r) {
  const augmentation = r.augmentation ?? { max_shift: 0, horizontal_flip: false };
  return `${r.name}: ${r.variant}, ${r.optimizer} lr ${r.learning_rate_text}, batch ${r.batch_size}, ${r.epochs} epochs, seed ${r.seed}, `
    + `${r.schedule}, shift ${augmentation.max_shift}, flip ${augmentation.horizontal_flip ? "True" : "False"}, ${r.data_set}`
    + (r.train_images != null ? `, first ${r.train_images} training images` : "")
    + (r.loss ? `, ${r.loss}` : "")
    + (r.loss_divisor != null ? `, summed loss / ${r.loss_divisor}` : "")
    + (r.init ? `, init ${r.init}` : "");
}

/** The `lenet train` command that continues a checkpoint of this recipe (its recipe line matches), given the run directory holding it. */
export function resumeCommand(recipe, runDirectory) {
  return `lenet train --recipe ${recipe.name} --epochs ${recipe.epochs} --batch-size ${recipe.batch_size}`
    + (recipe.train_images != null ? ` --train-limit ${recipe.train_images}` : "")
    + ` --replicas 1 --run-dir ${runDirectory} --resume`;
}

/** LearningRateSchedule.At: the rate of 0-based step `step`, as float32. */
export function learningRate(recipe, step, batchesPerEpoch) {
  const base = recipe.learning_rate;
  if (recipe.schedule === "Constant") return Math.fround(base);
  if (recipe.schedule !== "WarmupCosine") throw new DataError(`recipe.json: unknown schedule "${recipe.schedule}"`);
  const warmup = batchesPerEpoch;
  const total = batchesPerEpoch * recipe.epochs;
  if (step < warmup) return Math.fround((base * (step + 1)) / warmup);
  const progress = (step - warmup) / Math.max(1, total - warmup);
  return Math.fround(base * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress))));
}

const MASK64 = (1n << 64n) - 1n;

function mix(x) {
  let z = (x + 0x9E3779B97F4A7C15n) & MASK64;
  z = ((z ^ (z >> 30n)) * 0xBF58476D1CE4E5B9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94D049BB133111EBn) & MASK64;
  return z ^ (z >> 31n);
}

/** Augmentation.Draw: the shift and flip of an example in an epoch. */
export function augmentationDraw(augmentation, epoch, index) {
  const seed = BigInt(augmentation.seed);
  const h = mix(mix(seed ^ mix((BigInt(epoch >>> 0) << 32n) | BigInt(index >>> 0))));
  const width = BigInt((2 * augmentation.max_shift) + 1);
  const dx = Number((h & 0x1FFFFFn) % width) - augmentation.max_shift;
  const dy = Number(((h >> 21n) & 0x1FFFFFn) % width) - augmentation.max_shift;
  return { dx, dy, flip: augmentation.horizontal_flip && (h >> 63n) === 1n };
}

// pixel / 255 as float32, correctly rounded: what C#'s PixelScale gives.
const PIXEL_SCALE = Float32Array.from({ length: 256 }, (_, i) => i / 255);

/** Batcher.Fill: batch `b` of `order` into `images` (pixel/255, augmented when the recipe says so) and `labels`; returns its size. */
export function fillBatch(split, order, b, batchSize, epoch, augmentation, images, labels) {
  const start = b * batchSize;
  const size = Math.min(batchSize, order.length - start);
  const augment = augmentation && (augmentation.max_shift > 0 || augmentation.horizontal_flip);
  for (let k = 0; k < size; k++) {
    const example = order[start + k];
    const source = split.images.subarray(example * PIXELS, (example + 1) * PIXELS);
    const destination = images.subarray(k * PIXELS, (k + 1) * PIXELS);
    if (augment) {
      const { dx, dy, flip } = augmentationDraw(augmentation, epoch, example);
      for (let y = 0; y < 28; y++) {
        const sy = y - dy;
        for (let x = 0; x < 28; x++) {
          const sx = x - dx;
          destination[(y * 28) + x] = sy < 0 || sy >= 28 || sx < 0 || sx >= 28 ? 0 : PIXEL_SCALE[source[(sy * 28) + (flip ? 27 - sx : sx)]];
        }
      }
    } else {
      for (let p = 0; p < PIXELS; p++) destination[p] = PIXEL_SCALE[source[p]];
    }
    labels[k] = BigInt(split.labels[example]);
  }
  return size;
}

/** The shortest decimal that reads back as the same float32 (C#'s float "R"). */
export function float32Text(value) {
  if (!Number.isFinite(value)) return String(value);
  for (let digits = 1; digits <= 9; digits++) {
    const text = value.toPrecision(digits);
    if (Math.fround(Number(text)) === value) return String(Number(text));
  }
  return String(value);
}

/** steps.csv as StepLog writes it. */
export function stepsCsv(steps) {
  return "step,epoch,batch,examples,loss,correct,learning_rate\n"
    + steps.map((s) => `${s.step},${s.epoch},${s.batch},${s.examples},${float32Text(s.loss)},${s.correct},${float32Text(s.learningRate)}\n`).join("");
}

/** Reads steps.csv (none for an empty text). */
export function parseSteps(text, source = "steps.csv") {
  const lines = text.split("\n").slice(1).filter((l) => l.length > 0);
  return lines.map((line, i) => {
    const f = line.split(",");
    const numbers = f.map(Number);
    if (f.length !== 7 || numbers.some((n) => !Number.isFinite(n))) throw new DataError(`${source}: line ${i + 2} is not a step record`);
    return { step: numbers[0], epoch: numbers[1], batch: numbers[2], examples: numbers[3], loss: Math.fround(numbers[4]), correct: numbers[5], learningRate: Math.fround(numbers[6]) };
  });
}

/** metrics.jsonl as TrainingRun writes it: one JSON object per epoch. */
export function metricsJsonl(metrics) {
  return metrics.map((m) => `${JSON.stringify(m)}\n`).join("");
}

/** Reads metrics.jsonl. */
export function parseMetrics(text, source = "metrics.jsonl") {
  return text.split("\n").filter((l) => l.length > 0).map((line, i) => {
    try {
      return JSON.parse(line);
    } catch {
      throw new DataError(`${source}: line ${i + 1} is not JSON`);
    }
  });
}

/**
 * Trains the artifacts' network as the C# Trainer does with one replica: the same shuffle, batches
 * (the last partial one trained), learning rates, optimizer steps, test evaluation after every epoch
 * and checkpoints (which the C# Trainer resumes, and this one resumes from the C# Trainer's).
 */
export class Trainer {
  /**
   * @param ort the onnxruntime-node or onnxruntime-web module
   * @param artifacts { training, eval, optimizer, inference, checkpoint }: the artifacts' files as Uint8Arrays
   * @param recipe the run's recipe (readRecipe, then withOverrides)
   * @param data { train: { images, labels, count, fileSha256 }, test: {...} }: raw 28×28 bytes and label bytes
   * @param resume a checkpoint to continue (Uint8Array), or null to start from the artifacts' checkpoint
   * @param steps, metrics: the run directory's step records and epoch metrics when resuming; those past the checkpoint (written before a kill) are dropped
   * @param sessionOptions ONNX Runtime session options
   */
  static async create({ ort, artifacts, recipe, data, resume = null, steps = [], metrics = [], sessionOptions = {} }) {
    const start = await readCheckpoint(resume ?? artifacts.checkpoint, resume ? "the checkpoint to resume" : "the artifacts' checkpoint");
    const initial = resume ? await readCheckpoint(artifacts.checkpoint, "the artifacts' checkpoint") : start;
    if (resume) {
      const saved = start.header.properties?.[Property.recipe];
      if (start.header.variant !== initial.header.variant || JSON.stringify(start.header.optimizer) !== JSON.stringify(initial.header.optimizer) || saved !== recipe.describe) {
        throw new DataError(`the checkpoint was made by another recipe (${start.header.variant}, ${start.header.optimizer?.name}, ${saved ?? "unknown"}); this run is ${recipe.describe}. Resume with the same options or use a new run directory`);
      }
      const replicas = start.header.properties?.[Property.replicas];
      if (replicas !== undefined && replicas !== "1") {
        throw new DataError(`the checkpoint was trained with ${replicas} replicas and this trainer runs one; the result would differ from an uninterrupted run. Finish it in C# with --replicas ${replicas}`);
      }
    }
    if (recipe.train_images != null && recipe.train_images > data.train.count) {
      throw new DataError(`the train limit asks for the first ${recipe.train_images} training images, but the data set has ${data.train.count}`);
    }
    const train = recipe.train_images != null ? { ...data.train, count: recipe.train_images, images: data.train.images.subarray(0, recipe.train_images * PIXELS), labels: data.train.labels.subarray(0, recipe.train_images) } : data.train;
    const [training, optimizer, evaluation] = await Promise.all(
      [artifacts.training, artifacts.optimizer, artifacts.eval].map((bytes) => ort.InferenceSession.create(bytes, sessionOptions)));
    const kept = { steps: steps.filter((s) => s.step <= start.header.step), metrics: metrics.filter((m) => m.epoch <= start.header.epoch) };
    return new Trainer(ort, { training, optimizer, evaluation }, artifacts.inference, recipe, { train, test: data.test }, start, kept.steps, kept.metrics);
  }

  constructor(ort, sessions, inference, recipe, data, start, steps, metrics) {
    this.ort = ort;
    this.sessions = sessions;
    this.inference = inference;
    this.recipe = recipe;
    this.data = data;
    this.header = start.header;
    this.state = start.tensors.map((t) => ({ ...t }));
    this.parameters = this.state.filter((t) => t.kind === "parameter");
    const p = start.header.properties ?? {};
    this.position = {
      epoch: start.header.epoch,
      step: start.header.step,
      nextBatch: Number(p[Property.nextBatch] ?? 0),
      lossSum: Number(p[Property.lossSum] ?? 0),
      correct: Number(p[Property.correct] ?? 0),
      seconds: Number(p[Property.seconds] ?? 0),
    };
    this.steps = steps;
    this.metrics = metrics;
    this.classCount = recipe.classes?.length ?? 10;
    this.batches = Math.ceil(this.data.train.count / recipe.batch_size);
    this.images = new Float32Array(recipe.batch_size * PIXELS);
    this.labels = new BigInt64Array(recipe.batch_size);
    this.recent = steps.slice(-DIVERGENCE_WINDOW).map((s) => s.loss);
  }

  /** True once the recipe's last epoch is done. */
  get finished() { return this.position.epoch >= this.recipe.epochs; }

  /**
   * Trains until the recipe's last epoch, or until `shouldStop()` says so before a step (then the
   * position reached is what `checkpoint()` saves). Awaits `onStep(record, batchesPerEpoch)` after
   * every step and `onEpoch(metrics)` after every epoch's evaluation: the caller checkpoints there,
   * and yields to its event loop in onStep so that a stop request (a signal, a message) is seen,
   * since ONNX Runtime's runs may finish without ever leaving the current task.
   * Returns true when the run finished, false when stopped.
   */
  async run({ shouldStop = () => false, onStep = () => {}, onEpoch = async () => {} } = {}) {
    const { recipe } = this;
    while (this.position.epoch < recipe.epochs) {
      const epoch = this.position.epoch;
      const order = epochOrder(this.data.train.count, BigInt(recipe.seed), epoch);
      const started = performance.now();
      const carried = this.position.seconds;
      for (let b = this.position.nextBatch; b < this.batches; b++) {
        if (shouldStop()) {
          this.position.nextBatch = b;
          this.position.seconds = carried + ((performance.now() - started) / 1000);
          return false;
        }
        const size = fillBatch(this.data.train, order, b, recipe.batch_size, epoch, recipe.augmentation, this.images, this.labels);
        const rate = learningRate(recipe, this.position.step, this.batches);
        const { loss, correct } = await this.trainStep(size, rate, this.position.step + 1);
        this.guard(loss, epoch, b, rate);
        const record = { step: this.position.step + 1, epoch: epoch + 1, batch: b + 1, examples: size, loss, correct, learningRate: rate };
        this.steps.push(record);
        this.position.step++;
        this.position.lossSum += loss * size;
        this.position.correct += correct;
        await onStep(record, this.batches);
      }
      const trainSeconds = carried + ((performance.now() - started) / 1000);
      const test = await this.evaluate();
      const trained = this.data.train.count;
      const metrics = {
        epoch: epoch + 1,
        loss: this.position.lossSum / trained,
        train_accuracy: this.position.correct / trained,
        test_loss: test.loss,
        test_accuracy: test.accuracy,
        seconds: trainSeconds,
        images_per_second: trained / trainSeconds,
        learning_rate: learningRate(recipe, this.position.step - 1, this.batches),
      };
      this.metrics.push(metrics);
      this.position = { epoch: epoch + 1, step: this.position.step, nextBatch: 0, lossSum: 0, correct: 0, seconds: 0 };
      await onEpoch(metrics);
    }
    return true;
  }

  /** One step: loss and gradients of the batch buffer's first `size` examples, then the optimizer. */
  async trainStep(size, rate, step) {
    const { ort } = this;
    const feeds = {
      image: new ort.Tensor("float32", this.images.subarray(0, size * PIXELS), [size, 1, 28, 28]),
      labels: new ort.Tensor("int64", this.labels.subarray(0, size), [size]),
    };
    for (const p of this.parameters) feeds[p.name] = new ort.Tensor("float32", p.data, p.shape);
    const out = await this.sessions.training.run(feeds);
    const loss = out.loss.data[0];
    const correct = Number(out.correct.data[0]);
    const update = {
      learning_rate: new ort.Tensor("float32", Float32Array.of(rate), []),
      step: new ort.Tensor("int64", BigInt64Array.of(BigInt(step)), []),
    };
    // A summed loss divided by N (MXNet's trainer.step(N)): the mean's gradient times size/N, in float32 as C# scales it.
    const scale = this.recipe.loss_divisor != null ? Math.fround(size / this.recipe.loss_divisor) : 1;
    for (const p of this.parameters) {
      const gradient = out[`${p.name}_grad`].data;
      if (scale !== 1) for (let i = 0; i < gradient.length; i++) gradient[i] *= scale;
      update[`${p.name}_grad`] = new ort.Tensor("float32", gradient, p.shape);
    }
    for (const t of this.state) update[t.name] = new ort.Tensor("float32", t.data, t.shape);
    const next = await this.sessions.optimizer.run(update);
    for (const t of this.state) t.data = next[`${t.name}.next`].data;
    return { loss, correct };
  }

  /** Test-set loss and accuracy at the current parameters, in batches of the batch size. */
  async evaluate() {
    const { ort, recipe } = this;
    const test = this.data.test;
    const order = Int32Array.from({ length: test.count }, (_, i) => i);
    let lossSum = 0;
    let correct = 0;
    const predictions = new Uint8Array(test.count);
    for (let b = 0; b * recipe.batch_size < test.count; b++) {
      const size = fillBatch(test, order, b, recipe.batch_size, 0, null, this.images, this.labels);
      const feeds = {
        image: new ort.Tensor("float32", this.images.subarray(0, size * PIXELS), [size, 1, 28, 28]),
        labels: new ort.Tensor("int64", this.labels.subarray(0, size), [size]),
      };
      for (const p of this.parameters) feeds[p.name] = new ort.Tensor("float32", p.data, p.shape);
      const out = await this.sessions.evaluation.run(feeds);
      lossSum += out.loss.data[0] * size;
      correct += Number(out.correct.data[0]);
      const logits = out.logits.data;
      for (let i = 0; i < size; i++) {
        let best = 0;
        for (let c = 1; c < this.classCount; c++) if (logits[(i * this.classCount) + c] > logits[(i * this.classCount) + best]) best = c;
        predictions[(b * recipe.batch_size) + i] = best;
      }
    }
    this.predictions = predictions;
    return { loss: lossSum / test.count, accuracy: correct / test.count };
  }

  /** DivergenceGuard: a loss that is not finite, or a mean over the last 20 steps above 10·ln K, stops the run. */
  guard(loss, epoch, batch, rate) {
    let reason = null;
    if (!Number.isFinite(loss)) {
      reason = `the loss became ${loss}`;
    } else {
      this.recent.push(loss);
      if (this.recent.length > DIVERGENCE_WINDOW) this.recent.shift();
      const mean = this.recent.reduce((a, b) => a + b, 0) / this.recent.length;
      const limit = 10 * Math.log(this.classCount);
      if (this.recent.length === DIVERGENCE_WINDOW && mean > limit) {
        reason = `the loss averaged ${mean.toFixed(2)} over the last ${DIVERGENCE_WINDOW} steps, more than 10 times the ${Math.log(this.classCount).toFixed(2)} of a uniform guess`;
      }
    }
    if (reason) {
      throw new DataError(`training diverged at epoch ${epoch + 1}, step ${batch + 1} of ${this.batches} (global step ${this.position.step + 1}): ${reason}. Lower the learning rate (it was ${float32Text(rate)}); nothing was exported`);
    }
  }

  /** The checkpoint of the position reached (format 1), with the properties the C# Trainer resumes from. */
  async checkpoint() {
    const { position, recipe } = this;
    const properties = {
      [Property.recipe]: recipe.describe,
      [Property.replicas]: "1",
      [Property.dataSet]: recipe.data_set,
      [Property.trainSha256]: this.data.train.fileSha256 ?? "",
      [Property.testSha256]: this.data.test.fileSha256 ?? "",
      [Property.nextBatch]: String(position.nextBatch),
      [Property.lossSum]: String(position.lossSum),
      [Property.correct]: String(position.correct),
      [Property.seconds]: String(position.seconds),
    };
    return writeCheckpoint({ header: { ...this.header, step: position.step, epoch: position.epoch, properties }, tensors: this.state });
  }

  /** The current parameters by name. */
  weights() {
    return Object.fromEntries(this.parameters.map((p) => [p.name, p.data]));
  }

  /**
   * The inference model with the trained weights: the artifacts' inference_model.onnx, each
   * parameter's initializer raw data overwritten in place, with the run's metadata appended
   * (recipe line, epochs, test accuracy and loss, data set, `trainedBy`). The test figures are the
   * last epoch's when the weights are where it ended, else those of an evaluation made now (a run
   * stopped mid-epoch). Returns { model, metrics: { epoch, test_accuracy, test_loss } }; the model
   * is what the Runtime library and `lenet predict` load.
   */
  async exportModel(trainedBy) {
    const last = this.metrics.at(-1);
    const current = last && last.epoch === this.position.epoch && this.position.nextBatch === 0
      ? last
      : await this.evaluate().then((t) => ({ epoch: this.position.epoch, test_accuracy: t.accuracy, test_loss: t.loss }));
    const model = exportInferenceModel(this.inference, this.weights(), {
      "lenet.recipe": this.recipe.describe,
      "lenet.epochs": String(current.epoch),
      "lenet.test_accuracy": current.test_accuracy.toFixed(4),
      "lenet.test_loss": current.test_loss.toFixed(4),
      "lenet.data_set": this.recipe.data_set,
      "lenet.trained_by": trainedBy,
    });
    return { model, metrics: current };
  }
}

// Protocol buffer wire format, as far as the export needs it: ModelProto.graph (7),
// GraphProto.initializer (5), TensorProto.name (8) and raw_data (9), ModelProto.metadata_props (14).
function readVarint(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    if (at >= bytes.length) throw new DataError("the inference model is truncated");
    const b = bytes[at++];
    value += (b & 0x7f) * (2 ** shift);
    if (b < 0x80) return [value, at];
    shift += 7;
    if (shift > 63) throw new DataError("the inference model holds a malformed varint");
  }
}

function* fields(bytes, start, end) {
  let at = start;
  while (at < end) {
    const [key, afterKey] = readVarint(bytes, at);
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === 0) {
      const [, next] = readVarint(bytes, afterKey);
      at = next;
    } else if (wire === 1 || wire === 5) {
      at = afterKey + (wire === 1 ? 8 : 4);
    } else if (wire === 2) {
      const [length, dataStart] = readVarint(bytes, afterKey);
      at = dataStart + length;
      if (at > end) throw new DataError("the inference model is truncated");
      yield { field, start: dataStart, end: at };
    } else {
      throw new DataError(`the inference model holds wire type ${wire}, which ONNX does not use`);
    }
  }
}

function varint(value) {
  const out = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

function lengthDelimited(field, payload) {
  return [...varint((field * 8) + 2), ...varint(payload.length), ...payload];
}

/** See Trainer.exportModel. */
export function exportInferenceModel(model, weights, metadata = {}) {
  const bytes = Uint8Array.from(model);
  const text = new TextDecoder();
  const found = new Set();
  for (const graph of fields(bytes, 0, bytes.length)) {
    if (graph.field !== 7) continue;
    for (const initializer of fields(bytes, graph.start, graph.end)) {
      if (initializer.field !== 5) continue;
      let name = null;
      let raw = null;
      for (const f of fields(bytes, initializer.start, initializer.end)) {
        if (f.field === 8) name = text.decode(bytes.subarray(f.start, f.end));
        if (f.field === 9) raw = f;
      }
      const values = name === null ? undefined : weights[name];
      if (values === undefined) continue;
      if (raw === null || raw.end - raw.start !== values.length * 4) {
        throw new DataError(`the inference model's initializer '${name}' does not hold ${values.length} floats as raw data`);
      }
      const view = new DataView(bytes.buffer, raw.start, values.length * 4);
      for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
      found.add(name);
    }
  }
  const missing = Object.keys(weights).filter((n) => !found.has(n));
  if (missing.length > 0) throw new DataError(`the inference model has no initializer for ${missing.join(", ")}`);
  const encoder = new TextEncoder();
  const extra = Object.entries(metadata).flatMap(([key, value]) =>
    lengthDelimited(14, [...lengthDelimited(1, encoder.encode(key)), ...lengthDelimited(2, encoder.encode(String(value)))]));
  const result = new Uint8Array(bytes.length + extra.length);
  result.set(bytes);
  result.set(extra, bytes.length);
  return result;
}

/** The data set of the recipe from its four files (gzip or raw IDX), each checked against recipe.json's content SHA-256. */
export async function loadData(recipe, readFile) {
  const files = recipe.files;
  if (!files) throw new DataError(`the recipe's data set '${recipe.data_set}' names no files; this trainer reads fashion-mnist and mnist`);
  const split = async (images, labels) => {
    const [imageFile, labelFile] = await Promise.all([readFile(images.name), readFile(labels.name)]);
    const [i, l] = await Promise.all([imageFile, labelFile].map(async (bytes, k) => {
      const spec = k === 0 ? images : labels;
      const idx = await readIdx(bytes, spec.name);
      if (spec.content_sha256 && idx.contentSha256 !== spec.content_sha256) {
        throw new DataError(`${spec.name} is not the ${recipe.data_set} file: its contents' SHA-256 is ${idx.contentSha256}, expected ${spec.content_sha256}`);
      }
      return idx;
    }));
    if (i.shape.length !== 3 || i.shape[1] !== 28 || i.shape[2] !== 28 || l.shape.length !== 1 || l.shape[0] !== i.shape[0]) {
      throw new DataError(`${images.name} and ${labels.name} do not hold matching 28×28 images and labels`);
    }
    return { images: i.data, labels: l.data, count: i.shape[0], fileSha256: await sha256Hex(imageFile) };
  };
  const [train, test] = await Promise.all([split(files.train_images, files.train_labels), split(files.test_images, files.test_labels)]);
  return { train, test };
}

// Run from the command line it prints what it makes of a recipe, for the tests against C#
// (tests/Parity.Tests/JavaScriptTrainerTests):
//   node tools/node/lenet_train.mjs describe RECIPE.json [EPOCHS BATCH_SIZE TRAIN_LIMIT]   ("-" keeps one)
if (typeof process !== "undefined" && import.meta.url === `file://${process.argv[1]}`) {
  const [command, file, ...overrides] = process.argv.slice(2);
  const fs = await import("node:fs");
  try {
    if (command !== "describe" || !file || ![0, 3].includes(overrides.length)) {
      console.error("usage: node lenet_train.mjs describe RECIPE.json [EPOCHS BATCH_SIZE TRAIN_LIMIT]");
      process.exit(2);
    }
    const [epochs, batchSize, trainImages] = overrides.map((v) => (v === "-" ? null : Number(v)));
    console.log(withOverrides(readRecipe(new Uint8Array(fs.readFileSync(file)), file), { epochs, batchSize, trainImages }).describe);
  } catch (error) {
    console.error(`lenet_train: ${error instanceof DataError ? error.message : error.stack}`);
    process.exit(1);
  }
}
