# BatchVision: two entry points on a fresh Debian 12 with Swift 6.3 —
#   make demo   installs what it needs, builds (release), and runs the CLI on the bundled photos
#   make test   installs what the tests need (oracles included) and runs every test
SWIFT ?= swift
RELEASE_BIN = .build/release/batchvision
DEMO_OUT ?= out/demo

.PHONY: all build release demo test deps test-deps clean

all: build

deps:
	scripts/install-deps

test-deps:
	scripts/install-deps --test

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product batchvision

demo: release
	@echo "== batchvision inspect Samples/"
	$(RELEASE_BIN) inspect Samples/
	@echo
	@echo "== batchvision preprocess Samples/* --output-dir $(DEMO_OUT)"
	$(RELEASE_BIN) preprocess Samples/ --output-dir $(DEMO_OUT)

# Tests run in release mode: the numeric checks (resize, tensors, logits) are 10-100x slower in debug.
test: test-deps
	$(SWIFT) build -c release --build-tests
	$(SWIFT) test -c release --skip-build

clean:
	rm -rf .build out
