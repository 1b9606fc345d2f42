# The two set-up commands of README.md. Both install what they need when run as root.
SWIFT ?= swift
PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: demo test build deps interop fuzz bench soak install deb orderfile

# Main job: a tracker reports, a phone sends LOCATE, another sends STOP — against the bundled simulator.
# The compiler's output (about 1,150 lines on a cold build) goes to .build/demo-build.log; its
# last 50 lines are shown only when the build fails.
demo: deps
	@mkdir -p .build
	@echo "building trackerd (a few minutes the first time; log in .build/demo-build.log)..."
	@$(SWIFT) build --product trackerd > .build/demo-build.log 2>&1 || { tail -50 .build/demo-build.log; exit 1; }
	@$(SWIFT) run --skip-build trackerd demo

# Every test: unit, integration over real ptys/SQLite/PostgreSQL/processes, interoperability with
# gammu and python-gsmmodem-new, and a short fuzz smoke run of every libFuzzer harness.
test: deps
	bash scripts/install-deps.sh --interop
	$(SWIFT) build --build-tests
	# One test at a time: several suites block on real processes and ptys, and in parallel they can
	# starve the 2-thread cooperative pool that other suites' in-process modems need. The registry
	# suites run against both backends: a throw-away PostgreSQL cluster lives for this one command.
	bash scripts/postgres/test-cluster.sh stop 2>/dev/null
	bash scripts/postgres/test-cluster.sh start >/dev/null
	eval "$$(bash scripts/postgres/test-cluster.sh env)" && \
	  $(SWIFT) test --skip-build --no-parallel; status=$$?; bash scripts/postgres/test-cluster.sh stop; exit $$status
	bash scripts/interop/run.sh
	# The unit, the alert rules and `make install DESTDIR=…`'s layout (from the debug build; `make deb`
	# does the release build and lintian); then Debian's Prometheus scraping a real daemon.
	bash scripts/packaging/check.sh
	bash scripts/metrics/prometheus-e2e.sh
	# In a private TMPDIR that must be empty afterwards: the harness leaves no corpus behind.
	tmp=$$(mktemp -d) && RUNS=20000 TMPDIR=$$tmp bash fuzz/pdu/run.sh && rmdir $$tmp
	RUNS=20000 bash fuzz/at/run.sh
	RUNS=20000 bash fuzz/control/run.sh
	RUNS=20000 bash fuzz/number/run.sh

deps:
	bash scripts/install-deps.sh

build: deps
	$(SWIFT) build

bench: deps
	bash bench/run.sh

# The soak of issue #9 (minutes per receive mode): faults, kill -9 and restarts; lost must be 0 in
# storage mode. SOAK_ARGS go to trackerd-soak, e.g. make soak SOAK_ARGS="--reports 500 --seed 7".
soak: deps
	bash bench/soak.sh $(SOAK_ARGS)

# Release build (Swift runtime linked statically), then binaries, unit, example config, alert
# rules, man pages and completions under $(DESTDIR)$(PREFIX).
install: deps
	PREFIX=$(PREFIX) DESTDIR=$(DESTDIR) SWIFT=$(SWIFT) bash scripts/packaging/install.sh

# A Debian package (dpkg-deb) of the release build in .build/deb/, which lintian must pass without errors.
deb: deps
	bash scripts/install-deps.sh --packaging
	SWIFT=$(SWIFT) bash scripts/packaging/deb.sh

# Rewrites packaging/trackerd.order, the functions a running daemon executes, which the release
# link lays out first (peak RSS): run it after changing the hot path or a dependency; commit it.
orderfile: deps
	apt-get install -y -q valgrind >/dev/null 2>&1 || true  # the script says so if it is missing
	SWIFT=$(SWIFT) bash scripts/packaging/orderfile.sh
