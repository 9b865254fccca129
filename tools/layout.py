"""Measure how a report lays out at a reader's width in headless Chromium: page overflow, tables and charts wider
than the page column, and where the answer section starts.

    .venv/bin/python tools/layout.py reports/<run>/<nb>/<nb>.html [--width 1280]

A copy of the page gets a small measuring script (the report itself stays script-free) and is opened from file://
with the network off; the script writes its findings into the DOM, which Chromium dumps. tests/browser uses
``measure`` on every report and the index.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

#: How far down the answer section may start: the first screen of a 1280 x 900 window.
FIRST_SCREEN_PX = 900

_SCRIPT = """<script>
window.addEventListener('load', () => {
  const vw = document.documentElement.clientWidth;
  const bs = getComputedStyle(document.body);
  const edge = document.body.getBoundingClientRect().right - parseFloat(bs.paddingRight);  // the page column
  const wide = [];
  for (const el of document.querySelectorAll('table, img, svg, pre')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0) continue;
    let scrolls = false, cut = false;
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (p.clientWidth + 1 < p.scrollWidth) {
        if (['auto', 'scroll'].includes(s.overflowX)) { scrolls = true; break; }
        if (['hidden', 'clip'].includes(s.overflowX)) { cut = true; break; }
      }
    }
    if (cut || (r.right > edge + 1 && !scrolls)) {
      wide.push(el.tagName.toLowerCase() + ' ' + Math.round(r.width) + 'px' + (cut ? ' cut off' : ''));
    }
  }
  const h2 = document.querySelector('h2');
  const out = {viewport: vw, scroll_width: document.documentElement.scrollWidth, wide: wide,
               first_h2: h2 ? h2.textContent.trim().slice(0, 80) : null,
               first_h2_top: h2 ? Math.round(h2.getBoundingClientRect().top + window.scrollY) : null};
  const pre = document.createElement('pre'); pre.id = 'cil-layout'; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>"""


def chromium() -> str | None:
    """The headless Chromium binary, or None."""
    return shutil.which("chromium-headless-shell") or shutil.which("chrome-headless-shell") or shutil.which("chromium")


def measure(page: Path, width: int = 1280, height: int = FIRST_SCREEN_PX) -> dict:
    """Return ``{viewport, scroll_width, wide: [...], first_h2, first_h2_top}`` of ``page`` at ``width`` px."""
    binary = chromium()
    if binary is None:
        raise RuntimeError("no headless Chromium (apt-get install chromium-headless-shell)")
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / page.name
        html = page.read_text(encoding="utf-8")
        copy.write_text(html.replace("</body>", _SCRIPT + "</body>", 1), encoding="utf-8")
        for sibling in page.parent.iterdir():  # relative links and images keep working
            if sibling.is_file() and sibling.name != page.name:
                (Path(tmp) / sibling.name).symlink_to(sibling)
        done = subprocess.run(
            [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic", "--hide-scrollbars",
             "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>", f"--user-data-dir={tmp}/profile",
             f"--window-size={width},{height}", "--virtual-time-budget=3000", "--dump-dom", copy.as_uri()],
            capture_output=True, text=True, timeout=120, check=False)
    found = re.search(r'<pre id="cil-layout">(.*?)</pre>', done.stdout, re.S)
    if not found:
        raise RuntimeError(f"{page.name}: no layout measured: {done.stderr[-300:]}")
    import html as html_lib

    return json.loads(html_lib.unescape(found.group(1)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pages", nargs="+", type=Path)
    ap.add_argument("--width", type=int, default=1280)
    args = ap.parse_args()
    for page in args.pages:
        print(page, json.dumps(measure(page, args.width)))


if __name__ == "__main__":
    main()
