# Two commands do all set-up on a fresh machine:
#   make demo   set up, load reference and demo data, start the admin on 127.0.0.1:8000
#   make test   set up, lint, check, and run the test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo demo-data test lint check cjk-font worker beat bench messages clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo-data: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_reference_data
	$(PY) manage.py demo_setup

demo: demo-data
	$(PY) manage.py runserver 127.0.0.1:8000

lint: $(STAMP)
	$(VENV)/bin/ruff check .

check: $(STAMP)
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

# The weekly report's charts draw Chinese labels: a font with CJK glyphs must be installed
# (a test proves it). Installed here when missing and possible (root with apt-get).
cjk-font:
	@fc-list :lang=zh 2>/dev/null | grep -q . || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing fonts-noto-cjk for the weekly report's charts"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fontconfig fonts-noto-cjk; \
	  else echo "warning: no CJK font installed (Debian: apt-get install fonts-noto-cjk); the chart test will fail"; fi; }

test: lint check cjk-font
	$(VENV)/bin/pytest

worker: $(STAMP)
	$(VENV)/bin/celery -A config worker -Q default,scoring --loglevel=INFO

beat: $(STAMP)
	$(VENV)/bin/celery -A config beat --loglevel=INFO

bench: $(STAMP)
	@for script in bench/*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

messages: $(STAMP)
	for app in talent crm compensation; do (cd $$app && ../$(PY) ../manage.py makemessages -l zh_Hans && ../$(PY) ../manage.py compilemessages); done

clean:
	rm -rf var build dist *.egg-info
