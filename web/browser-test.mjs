// Drives headless Chromium through the web build: see web/browser-test.
import { createRequire } from "node:module";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { inflateSync } from "node:zlib";
import { join } from "node:path";
import { tmpdir } from "node:os";

const [url, shots, driver] = process.argv.slice(2);
// playwright-core lives outside the project (see web/browser-test).
const { chromium } = createRequire(join(driver, "node_modules") + "/")("playwright-core");
const problems = [];
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: [
    "--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--ignore-gpu-blocklist",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-quic", "--no-first-run",
  ],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 750 } });
const log = [];
page.on("console", (m) => {
  log.push(`${m.type()}: ${m.text()}`);
  // A panic, a trap, or a render error that makes Bevy quit.
  if (/panicked|RuntimeError|unreachable|Caught rendering error|Quitting the application/.test(m.text())) {
    problems.push(`console: ${m.text().split("\n").slice(0, 6).join(" ")}`);
  }
});
page.on("pageerror", (e) => {
  if (!String(e).includes("Using exceptions for control flow")) problems.push(`page error: ${e}`);
});

const started = Date.now();
await page.goto(url);
// The app marks <body data-labshift-frames> once frames are drawn.
// A failure to start shows on the page's status line instead.
await page.waitForFunction(
  () => Number(document.body.dataset.labshiftFrames) >= 3 || document.querySelector("#status.error"),
  null, { timeout: 180000 },
).catch(() => problems.push("no frame drawn within 180 s"));
const failed = await page.locator("#status.error").textContent().catch(() => null);
if (failed) problems.push(`the page says: ${failed}`);
const firstFrame = Date.now() - started;
await page.waitForTimeout(1500);

/** Saves a screenshot of the canvas and fails the test if it is one flat colour. */
async function shoot(name) {
  const png = await page.locator("#labshift").screenshot();
  const file = join(shots, `web-${name}.png`);
  writeFileSync(file, png);
  const colours = distinctColours(png);
  console.log(`web-test: ${name}: ${colours} colours (${file})`);
  if (colours < 8) problems.push(`${name}: the canvas is blank (${colours} colours)`);
}

/** Counts distinct colours in a PNG (8-bit RGB or RGBA, not interlaced), up to 1000. */
function distinctColours(png) {
  const width = png.readUInt32BE(16), height = png.readUInt32BE(20);
  const bpp = png[25] === 6 ? 4 : 3;
  const chunks = [];
  for (let at = 8; at < png.length;) {
    const len = png.readUInt32BE(at), type = png.toString("ascii", at + 4, at + 8);
    if (type === "IDAT") chunks.push(png.subarray(at + 8, at + 8 + len));
    at += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(chunks));
  const stride = width * bpp, seen = new Set();
  let prev = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)], row = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? row[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
      const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
      const pred = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][filter];
      row[i] = (row[i] + pred) & 255;
    }
    for (let x = 0; x < width && seen.size < 1000; x += 3) seen.add(row.readUIntBE(x * bpp, 3));
    prev = row;
  }
  return seen.size;
}

await shoot("title");
// Title → scenario list → briefing → bench, with the keyboard only.
await page.locator("#labshift").focus();
// On the briefing the trainee's name is being typed: Enter ends it, then starts the shift.
for (const [step, presses] of [["select", 1], ["briefing", 1], ["bench", 2]]) {
  for (let i = 0; i < presses; i++) {
    await page.keyboard.press("Enter");
    await page.waitForTimeout(1200);
  }
  await page.waitForTimeout(1500);
  await shoot(step);
}
// The shift's log is in the browser's storage as soon as the shift starts.
const kept = await page.evaluate(() => localStorage.getItem("labshift.shift") || "");
if (!kept.startsWith("SessionLog(")) problems.push(`no shift log in browser storage: ${kept.slice(0, 80)}`);
// A closed tab loses nothing: after a reload the title offers to resume it.
await page.reload();
await page.waitForFunction(() => Number(document.body.dataset.labshiftFrames) >= 3, null, { timeout: 180000 })
  .catch(() => problems.push("no frame drawn after the reload within 180 s"));
await page.waitForTimeout(1500);
await shoot("resume");

/** Waits until the app names `screen` on <body data-labshift-screen>. */
async function screen(name, what) {
  await page.waitForFunction((s) => document.body.dataset.labshiftScreen === s, name, { timeout: 60000 })
    .catch(async () => problems.push(`${what}: the ${name} screen never came (on ${
      await page.evaluate(() => document.body.dataset.labshiftScreen)})`));
  await page.waitForTimeout(1500);
}

// The page's file picker: a broken scenario gets its diagnostics, file:line:col
// on the page as on the desktop; a valid one its briefing.
const sample = readFileSync(new URL("../scenarios/a-morning-chemistry.ron", import.meta.url), "utf8");
const pick = (name, text) => page.setInputFiles("#pick", { name, mimeType: "text/plain", buffer: Buffer.from(text) });
await pick("broken.ron", sample.replace("tier: Junior", "tier: Wizard"));
await screen("Diagnostics", "a broken scenario file");
const said = await page.locator("#picked").textContent();
if (!said.includes("broken.ron:13:15: unknown variant `Wizard`")) problems.push(`the footer says: ${said}`);
await shoot("picked-broken");
await pick("my-scenario.ron", sample);
await screen("Briefing", "a valid scenario file");
const ok = await page.locator("#picked").textContent();
if (!ok.includes("my-scenario.ron: checked, no problems")) problems.push(`the footer says: ${ok}`);

// The picked scenario played and ended at once; the debrief downloads the
// report and the log, one file a button.
await page.locator("#labshift").focus();
await page.keyboard.press("Enter"); // the trainee's name
await page.waitForTimeout(1200);
await page.keyboard.press("Enter"); // start the shift
await screen("Bench", "starting the picked scenario");
// End asks first; a second End ends the shift.
await page.keyboard.press("End");
await page.waitForTimeout(600);
await page.keyboard.press("End");
await screen("Debrief", "ending the shift");
await shoot("debrief");
// Keys do nothing in the debrief's first second.
await page.waitForTimeout(1200);
for (const [key, suffix, start] of [["Digit2", ".report.html", "<!doctype html"], ["Digit4", ".log.ron", "SessionLog("]]) {
  const download = page.waitForEvent("download", { timeout: 30000 }).catch(() => null);
  await page.keyboard.press(key);
  const file = await download;
  if (!file) { problems.push(`no download on ${key}`); continue; }
  const path = join(tmpdir(), `labshift-web-test-${file.suggestedFilename()}`);
  await file.saveAs(path);
  const text = readFileSync(path, "utf8");
  rmSync(path);
  console.log(`web-test: downloaded ${file.suggestedFilename()} (${text.length} bytes)`);
  if (!file.suggestedFilename().endsWith(suffix) || !text.toLowerCase().startsWith(start.toLowerCase())) {
    problems.push(`${key} downloaded ${file.suggestedFilename()}: ${text.slice(0, 60)}`);
  }
}
console.log(`web-test: first frame after ${firstFrame} ms`);
// Warnings are reported, not failed on: the distinct ones, with their counts.
const warnings = new Map();
for (const line of log.filter((l) => l.startsWith("warning:"))) {
  const key = line.replace(/\s+/g, " ").slice(0, 160);
  warnings.set(key, (warnings.get(key) || 0) + 1);
}
for (const [line, n] of warnings) console.log(`web-test: ${n}× ${line}`);
await browser.close();
if (problems.length) {
  console.error(log.slice(-30).join("\n"));
  console.error("web-test: FAILED\n" + problems.join("\n"));
  process.exit(1);
}
console.log("web-test: passed");
