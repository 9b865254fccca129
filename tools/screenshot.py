"""Render an HTML file to PNG with Debian's chromium-headless-shell, to check a report as a reader sees it.

    python tools/screenshot.py reports/index.html reports/index.png [--width 1280] [--height 2000]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path


def screenshot(html: Path, png: Path, width: int = 1280, height: int = 2000) -> Path:
    """Write a PNG of ``html`` (opened as a file:// page, network off) and return its path."""
    binary = shutil.which("chromium-headless-shell") or shutil.which("chrome-headless-shell") or \
        shutil.which("chromium")
    if not binary:
        raise SystemExit("no headless Chromium: apt-get install chromium-headless-shell (or `make screenshot`)")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        f"--user-data-dir={profile}", "--hide-scrollbars", f"--window-size={width},{height}",
                        f"--screenshot={png.resolve()}", html.resolve().as_uri()],
                       check=True, capture_output=True, timeout=120)
    return png


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html", type=Path)
    parser.add_argument("png", type=Path)
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=2000)
    args = parser.parse_args()
    print(screenshot(args.html, args.png, args.width, args.height))


if __name__ == "__main__":
    main()
