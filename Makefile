# The developer loop. Each target is a script in scripts/ that says what it does.
.PHONY: run test stop i18n lint engine
run:   ## set up what is missing, create/update the demo database, serve http://127.0.0.1:8069
	bash scripts/run.sh
test:  ## every test tier, with a summary line per tier; non-zero exit on any failure
	bash scripts/test.sh
stop:  ## stop the project's own PostgreSQL cluster
	bash scripts/stop.sh
i18n:  ## export the translatable terms (.pot) and merge them into zh_CN.po and zh_TW.po
	bash scripts/i18n.sh
