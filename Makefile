# The developer loop. Each target is a script in scripts/ that says what it does.
.PHONY: run test stop i18n screenshots lint engine mutate mutate-engine mutate-addon replica replica-stop
run:   ## set up what is missing, create/update the demo database, serve http://127.0.0.1:8069
	bash scripts/run.sh
test:  ## every test tier, with a summary line per tier; non-zero exit on any failure
	bash scripts/test.sh
stop:  ## stop the project's own PostgreSQL cluster (and its read replica, if running)
	bash scripts/stop.sh
replica:  ## a streaming read replica of the project's cluster on port SFA_PG_PORT+1 (README)
	bash scripts/replica.sh start
replica-stop:  ## stop the read replica
	bash scripts/replica.sh stop
i18n:  ## export the translatable terms (.pot) and merge them into zh_CN.po and zh_TW.po
	bash scripts/i18n.sh
screenshots:  ## the tours that photograph the main screens, into static/description/ (README)
	bash scripts/screenshots.sh

# Mutation testing (not part of `make test`; docs/testing.md). ARGS go to the script, e.g.
# make mutate-addon ARGS='--file models/crm_lead.py --jobs 1'
# The engine needs the venv only; the addon also Odoo, PostgreSQL and .local/odoo.conf.
VENV_ENV = source scripts/lib.sh && mkdir -p "$$SFA_LOCAL/logs" && find_odoo && \
	if [ "$$ODOO_KIND" = none ]; then ensure_venv dev; else ensure_venv full; fi && \
	export ODOO_KIND ODOO_WHY ODOO_BIN ODOO_PY ODOO_SRC ODOO_ADDONS SFA_LOCAL SFA_ROOT \
	SFA_MODULE SFA_VENV
ODOO_ENV = $(VENV_ENV) && if [ "$$ODOO_KIND" = none ]; then die "$$ODOO_WHY"; fi && \
	ensure_pg && write_odoo_conf >/dev/null
mutate:  ## mutation testing of the engine (mutmut) and of the addon (Odoo tests); summary
	@bash -c '$(ODOO_ENV) && rc=0; \
	"$$SFA_VENV/bin/python" scripts/mutate_engine.py || rc=1; \
	"$$SFA_VENV/bin/python" scripts/mutate_addon.py || rc=1; \
	echo "==================== mutation summary ===================="; \
	cat "$$SFA_LOCAL/mutation/engine-summary.txt" "$$SFA_LOCAL/mutation/addon-summary.txt"; \
	if [ $$rc = 0 ]; then echo "RESULT: every survivor explained"; \
	else echo "RESULT: FAILED (see the survivors above)"; fi; exit $$rc'
mutate-engine:  ## mutmut over sfa_key_accounts/engine with the pytest tests of tests/
	@bash -c '$(VENV_ENV) && exec "$$SFA_VENV/bin/python" scripts/mutate_engine.py $(ARGS)'
mutate-addon:  ## operator/boundary/condition mutants of models/ and wizard/, Odoo tests
	@bash -c '$(ODOO_ENV) && exec "$$SFA_VENV/bin/python" scripts/mutate_addon.py $(ARGS)'

# Benchmark data (not part of `make test`): drops and rebuilds the database (default
# sfa_bench_<size>), installs the addon without demo data and fills it with seeded data
.PHONY: data
data:  ## seeded benchmark data: SIZE=tiny|small|large [SFA_BENCH_DB=name] [SEED=1]
	SFA_BENCH_DB="$(SFA_BENCH_DB)" SEED="$(SEED)" bash scripts/generate_data.sh "$(or $(SIZE),tiny)"

# Benchmarks (issue 11; not part of `make test`): each hot path against a hand-written SQL
# floor on a database `make data` filled, e.g. make bench SIZE=small REPEAT=5 ARGS=--replica
.PHONY: bench
bench:  ## time the hot paths against their SQL floor: SIZE=tiny|small|large [SFA_BENCH_DB=] [REPEAT=3]
	@bash -c '$(ODOO_ENV) && exec "$$SFA_VENV/bin/python" scripts/benchmark.py \
	--size "$(or $(SIZE),tiny)" --db "$(or $(SFA_BENCH_DB),sfa_bench_$(or $(SIZE),tiny))" \
	--repeat "$(or $(REPEAT),3)" $(ARGS)'
