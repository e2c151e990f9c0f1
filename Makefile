# BatchVision: two entry points on a fresh Debian 12 with Swift 6.3 —
#   make demo   installs what it needs, builds (release), and runs the CLI on the bundled photos
#   make test   installs what the tests need (oracles included) and runs every test
SWIFT ?= swift
RELEASE_BIN = .build/release/batchvision
# One set of release flags for tests, demo and benchmarks, so none of them rebuilds the others.
# -enable-testing keeps `@testable import` working in release test builds; it does not slow the code.
RELEASE_FLAGS = -c release -Xswiftc -enable-testing
DEMO_OUT ?= out/demo

TEST_VENV = .venv-test
# setuptools and wheel: python/tests builds the package (pip install ./python) without network access.
TEST_PIP_PACKAGES = pyarrow duckdb pandas "moto[server]" boto3 "ray[data]" pytest Pillow setuptools wheel

.PHONY: all build release demo test deps test-deps test-venv test-models clean

all: build

deps:
	scripts/install-deps

test-deps:
	scripts/install-deps --test

# PyPI packages the tests judge our outputs with (Parquet readers, ...), in a venv of their own.
test-venv: $(TEST_VENV)/.installed
$(TEST_VENV)/.installed: Makefile
	python3 -m venv $(TEST_VENV)
	$(TEST_VENV)/bin/pip install -q --disable-pip-version-check $(TEST_PIP_PACKAGES)
	touch $@

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build $(RELEASE_FLAGS) --product batchvision

demo: release
	@scripts/fetch-lite0 >/dev/null
	@echo "== batchvision inspect Samples/"
	$(RELEASE_BIN) inspect Samples/
	@echo
	@echo "== batchvision preprocess Samples/ --output-dir $(DEMO_OUT)/tensors"
	$(RELEASE_BIN) preprocess Samples/ --output-dir $(DEMO_OUT)/tensors
	@echo
	@echo "== batchvision predict Samples/ --model efficientnet_lite0"
	$(RELEASE_BIN) predict Samples/ --model efficientnet_lite0 --top-k 3
	@echo
	@echo "== batchvision classify Samples/ --model efficientnet_lite0 --output $(DEMO_OUT)/predictions.parquet"
	$(RELEASE_BIN) classify Samples/ --model efficientnet_lite0 --output $(DEMO_OUT)/predictions.parquet --overwrite \
	    --report $(DEMO_OUT)/report.html
	@echo "open $(DEMO_OUT)/report.html to see the photos with their labels"

# Tests run in release mode: the numeric checks (resize, tensors, logits) are 10-100x slower in debug.
# Models the tests compare against PyTorch: EfficientNet-Lite0's real weights and the port's model code.
test-models:
	BATCHVISION_HOME=$(CURDIR)/.cache/batchvision scripts/fetch-lite0 --with-port $(CURDIR)/.cache/efficientnet-lite-pytorch >/dev/null

# Order matters: the apt packages (python3-venv, python3-pip) come before the venv and the model downloads.
test: test-deps test-venv test-models
	$(SWIFT) build $(RELEASE_FLAGS) --build-tests
	$(SWIFT) test $(RELEASE_FLAGS) --skip-build --disable-swift-testing  # every test is XCTest

clean:
	rm -rf .build .build-capi out .cache .venv-bench* $(TEST_VENV)
