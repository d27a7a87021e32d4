# make run: start the services and the server.  make test: start the services and run the tests.
PY := .venv/bin/python
TEST_PG_DSN ?= postgresql://stage1:stage1@127.0.0.1:5432/stage1_test
TEST_QUESTDB_HTTP ?= http://127.0.0.1:9000
TEST_QUESTDB_ILP_HOST ?= 127.0.0.1
TEST_QUESTDB_ILP_PORT ?= 9009
export TEST_PG_DSN TEST_QUESTDB_HTTP TEST_QUESTDB_ILP_HOST TEST_QUESTDB_ILP_PORT

.PHONY: venv services down run test bench

venv: .venv/.installed

$(PY):
	python3 -m venv .venv

.venv/.installed: requirements.txt | $(PY)
	$(PY) -m pip install -q -r requirements.txt
	touch $@

services:
	bash scripts/services.sh up

down:
	bash scripts/services.sh down

run: venv services
	[ -f .env ] || cp .env.example .env
	$(PY) stage1_server.py

test: venv services
	$(PY) -m pytest -q test_stage1_server.py || { rc=$$?; [ $$rc -ne 5 ] || echo "pytest: no tests collected" >&2; exit $$rc; }

bench: venv
	for f in bench/[!_]*.py; do [ -e "$$f" ] || continue; echo "== $$f"; $(PY) "$$f" || exit 1; done
