# The two commands: `make run` and `make test`. Everything else here is what they need.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
RASA_VENV := .venv-rasa
MODEL := models/baton.tar.gz
MPNET := models/all-mpnet-base-v2
SPACY := models/spacy-baton
ENTITY_DATA := nlu_data/entities.yml $(wildcard nlu_data/*/entities.yml)
RASA_DATA := nlu_data bot/rules.yml bot/stories.yml
RASA_INPUTS := config.yml bot/hangul_tokenizer.py bot/domain.yml bot/rules.yml bot/stories.yml $(wildcard nlu_data/*.yml nlu_data/*/*.yml)
export RASA_TELEMETRY_ENABLED := false
export HF_HUB_OFFLINE := 1
# Independent steps run side by side: on a fresh clone the hub's environment installs (mostly
# unpacking wheels) while the Rasa environment installs and its model trains (CPU), and the
# system packages the tests need install beside them.
MAKEFLAGS += --jobs=3

.PHONY: help run test lint setup system-packages eval-entities
help:
	@echo "make run    install what is missing, train what is stale, start the whole stack"
	@echo "make test   install what is missing and run every test"

setup: $(VENV)/.installed $(RASA_VENV)/.installed $(MODEL) $(MPNET)/model.safetensors

run: setup
	@[ "$${BATON_HUBS:-1}" -le 1 ] || scripts/ensure-haproxy
	$(VENV)/bin/baton run

test: setup system-packages
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest --durations=25  # the slowest, for keeping the suite within its 30 minutes

# Chromium (the browser tests) and HAProxy (several hubs), one after the other: both use apt-get.
system-packages:
	@scripts/ensure-chromium
	@scripts/ensure-haproxy

# The larger embedding model, the bot's second opinion (README, "Choosing the embedding model");
# its calibration is committed (knowledge_base/calibration-all-mpnet-base-v2.json).
$(MPNET)/model.safetensors: scripts/install-mpnet $(VENV)/.installed
	$(VENV)/bin/python scripts/install-mpnet $(MPNET)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

$(VENV)/.installed: pyproject.toml
	@test -x $(VENV)/bin/python || $$(scripts/find-python 3.11) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	@# torch first, pinned: this machine kind has its CPU build on disk; left to resolve by
	@# itself, sentence-transformers would pull the newest build with GBs of CUDA packages.
	$(VENV)/bin/pip install -q torch==2.13.0
	$(VENV)/bin/pip install -q -e '.[train,test]'
	@touch $@

$(RASA_VENV)/.installed: requirements-rasa.txt
	@test -x $(RASA_VENV)/bin/python || $$(scripts/find-python 3.10) -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/pip install -q --upgrade pip
	$(RASA_VENV)/bin/pip install -q -r requirements-rasa.txt
	@touch $@

# The blank spaCy pipeline of config.yml's SpacyNLP, with the entity patterns of nlu_data/.
$(SPACY)/meta.json: scripts/build-spacy-pipeline $(ENTITY_DATA) $(RASA_VENV)/.installed
	$(RASA_VENV)/bin/python scripts/build-spacy-pipeline nlu_data $(SPACY)

# Entity precision, recall and F1 per entity and language on the entity test set.
eval-entities: $(MODEL)
	$(RASA_VENV)/bin/python -m benchmarks.entity_eval --model $(MODEL) \
		--test benchmarks/data/entities-test.jsonl --out benchmarks/results/entities.json

$(MODEL): $(RASA_INPUTS) $(SPACY)/meta.json $(RASA_VENV)/.installed
	$(RASA_VENV)/bin/rasa train --config config.yml --domain bot/domain.yml --data $(RASA_DATA) \
		--out models --fixed-model-name baton
	@touch $@
