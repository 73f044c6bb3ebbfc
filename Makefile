# The two commands a fresh machine needs: `make demo` and `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test venv clean browsers speech

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,postgres,tts,celery]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP) speech
	$(BIN)/copydesk demo --data-dir .copydesk-demo

# System programs the tests drive: Debian's chromium (browser tests, through Playwright; never
# `playwright install`). Installed when missing and we may; otherwise those tests skip and say why.
browsers:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get install -y -q chromium >/dev/null || (apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null); \
	  else echo "make: chromium is missing (apt-get install chromium); browser tests will skip" >&2; fi; }

# The default speech engine of the narrations (copydesk.audio): Debian's espeak-ng, installed the same way.
# Without it the site says "audio off" and the tests that need it skip and say why.
speech:
	@command -v espeak-ng >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get install -y -q espeak-ng >/dev/null || (apt-get update -q >/dev/null && apt-get install -y -q espeak-ng >/dev/null); \
	  else echo "make: espeak-ng is missing (apt-get install espeak-ng); audio tests will skip" >&2; fi; }

test: $(STAMP) browsers speech
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) .copydesk-demo
