# The two entry points are `make demo` and `make test`; each bootstraps .venv from uv.lock.
PYTHON ?= python3
VENV := .venv
UV := .tools/bin/uv
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never
UV_VERSION := 0.13.8
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test lint venv system-deps messages compiled-messages

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --quiet
	touch $@

venv: $(VENV)/.synced

# Debian packages the product and its tests need: Pango for WeasyPrint, Chromium for the browser tests.
system-deps:
	@bash scripts/system-deps.sh

# Compiled catalogues are build output (.gitignore); the .po files are the source.
compiled-messages: venv system-deps
	cd src/boligsocial && ../../$(VENV)/bin/boligsocial compilemessages >/dev/null

demo: compiled-messages
	$(VENV)/bin/boligsocial migrate --noinput
	$(VENV)/bin/boligsocial load_demo
	@bash scripts/run-demo.sh $(HOST) $(PORT)

test: compiled-messages
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .

messages: venv
	bash scripts/messages.sh
