"""Make the README's small screenshots from the browser tests' full-size ones:
the first screen (360 x 740 CSS px) of a few steps of the parent's path, at
1x, as PNG. Run after the browser tests:

    .venv/bin/python tests/e2e/readme_screenshots.py
"""
from __future__ import annotations

import base64
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "tests" / "artifacts" / "screenshots" / "parent_registers_and_joins_the_parents_chat"
TARGET = ROOT / "docs" / "screenshots"
PICKS = {"01-landing": "parent-1-invitation", "02-form": "parent-2-form", "04-code": "parent-3-code",
         "09-choose-chats": "parent-4-chats"}
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]


def main() -> None:
    TARGET.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 360, "height": 740}, device_scale_factor=1)
        for source, target in PICKS.items():
            data = base64.b64encode((SOURCE / f"{source}.png").read_bytes()).decode()
            page.set_content(f'<body style="margin:0"><img src="data:image/png;base64,{data}" width="360"></body>')
            page.wait_for_load_state()
            path = TARGET / f"{target}.png"
            page.screenshot(path=str(path), clip={"x": 0, "y": 0, "width": 360, "height": 740})
            print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KB")
        browser.close()


if __name__ == "__main__":
    main()
