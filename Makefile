# kvmnet.netboot - `make test` and `make demo` on a fresh Debian 12 / Ubuntu 22.04+ machine, as root.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
ROOT := $(CURDIR)
BUILD := $(ROOT)/.build
VENV := $(BUILD)/venv
PY := $(VENV)/bin/python
COLLECTIONS := $(BUILD)/collections
COLL := $(COLLECTIONS)/ansible_collections/kvmnet/netboot
# ansible-lint and the release tools, with the highest ansible-core of the supported range (requirements-lint.txt)
LINT := $(BUILD)/lint
# ansible-test of the lowest ansible-core of the supported range (requirements-core-lowest.txt; see sanity below)
CORE_LOWEST := $(BUILD)/core-lowest
# The distribution's interpreter (not a pyenv or other shim): libvirt-python builds against it.
SYSTEM_PYTHON ?= /usr/bin/python3
PYTEST_ARGS ?=

export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export ANSIBLE_PYTHON_INTERPRETER := $(PY)
export PATH := $(VENV)/bin:$(PATH)

.PHONY: docs release-check lab demo-clean molecule molecule-namespaces molecule-libvirt peers bench test demo deps system-packages venv libvirt collection sanity sanity-lowest sanity-highest lint units fuzz integration integration-namespaces integration-libvirt integration-sweep build clean

# The suites in two lanes at once (tools/ci/run-lanes.sh): the static ones and the integration tests that need only
# namespaces, on a copy of the collection of their own, beside the libvirt integration tests and molecule. Each
# suite's output is printed whole when it ends; the times at the end (and in .build/suite-times.txt), failed or
# not. The virtualenvs both lanes use are installed first, so the lanes never install the same one at once.
FIRST_LANE := sanity lint release-check units fuzz integration-namespaces molecule-namespaces
SECOND_LANE := integration-libvirt molecule-libvirt
test: deps libvirt collection $(LINT)/.installed $(CORE_LOWEST)/.installed
	@$(MAKE) --no-print-directory integration-sweep
	@rc=0; KVMNET_LAB_SWEEP=0 tools/ci/run-lanes.sh $(BUILD) "$(FIRST_LANE)" "$(SECOND_LANE)" \
	  "COLLECTIONS=$(BUILD)/lane-collections" || rc=$$?; \
	  $(MAKE) --no-print-directory integration-sweep; exit $$rc

deps: system-packages venv

system-packages:
	@tools/ci/install-system-packages.sh

# The virtualenvs are made by the system's venv (pip in each, for what runs pip inside them: ansible-test) and
# filled by uv (requirements-installer.txt), which installs the same pins in a fraction of pip's time - pip took
# about 55 s for the lint virtualenv alone on the 2-core machine, uv 20 s. --compile-bytecode, as pip does: these
# machines set PYTHONDONTWRITEBYTECODE, so without it every ansible-playbook compiled ansible-core afresh (twice
# the start-up time; make test took 3 minutes longer). --native-tls: the system's certificates, as pip uses them.
# Usage: $(call pip_install,<virtualenv>) <pip install arguments>
INSTALLER := $(BUILD)/installer
UV := $(INSTALLER)/bin/uv
pip_install = $(UV) pip install -q --native-tls --compile-bytecode --python $(1)/bin/python
$(UV): requirements-installer.txt
	@$(SYSTEM_PYTHON) -m venv $(INSTALLER)
	@$(INSTALLER)/bin/python -m pip install -q -r requirements-installer.txt
	@touch $@

# The pinned tools, and the lab package (tools/kvmnet_lab: the MAAS double, the PXE lab, the demo, the
# helpers to run a command or a module) installed editable, so tests, tools and benchmarks import it alike.
venv: $(VENV)/.installed
$(VENV)/.installed: requirements-dev.txt tools/pyproject.toml $(UV)
	@echo "venv: installing pinned tools into $(VENV)"
	@$(SYSTEM_PYTHON) -m venv $(VENV)
	@$(call pip_install,$(VENV)) -r requirements-dev.txt
	@$(call pip_install,$(VENV)) -e tools >$(BUILD)/kvmnet-lab-install.log 2>&1 || { cat $(BUILD)/kvmnet-lab-install.log; exit 1; }
	@touch $@

libvirt:
	@tools/ci/start-libvirt.sh

# ansible-test and the collection loader want the tree at ansible_collections/<ns>/<name>. The copy
# holds the files git tracks plus new ones it does not ignore, and gets its own git index, because
# ansible-test lists a collection's files with git (the outer checkout ignores .build/).
# The copy is made aside and put in place only when it differs from the one there (what tools write into a copy -
# ansible-test's tests/output, caches - does not count): a `make demo` or `make lab` run by a test leaves the copy the
# tests run from as it is.
collection:
	@rm -rf $(COLL).new && mkdir -p $(COLL).new
	@git -C $(ROOT) ls-files -z --cached --others --exclude-standard \
	  | (cd $(ROOT) && xargs -0 sh -c 'for f; do if [ -e "$$f" ]; then printf "%s\0" "$$f"; fi; done' _) \
	  | tar -C $(ROOT) --null -T - -cf - | tar -C $(COLL).new -xf -
	@if [ -d $(COLL)/.git ] && diff -rq -x .git -x output -x __pycache__ -x .pytest_cache -x .hypothesis \
	    $(COLL).new $(COLL) >/dev/null 2>&1; then rm -rf $(COLL).new; \
	  else rm -rf $(COLL) && mv $(COLL).new $(COLL) && git -C $(COLL) init -q && git -C $(COLL) add -A; fi

# The supported ansible-core range is meta/runtime.yml's requires_ansible, stated there only. `make sanity` runs
# ansible-test of the lowest release in it that installs here (requirements-core-lowest.txt, in .build/core-lowest)
# and of the highest (requirements-lint.txt's, in the lint virtualenv); tests/unit/test_supported_core_range.py
# holds both pins to the ends of the range. The tests themselves run with requirements-dev.txt's.
$(CORE_LOWEST)/.installed: requirements-core-lowest.txt $(UV)
	@$(SYSTEM_PYTHON) -m venv $(CORE_LOWEST)
	@$(call pip_install,$(CORE_LOWEST)) -r requirements-core-lowest.txt
	@touch $@

# ansible-test bootstraps pip in its sanity virtualenvs from a host we cannot reach: give it ours, under the
# name the given virtualenv's ansible-test looks for.
define ansible_test_pip
v=$$(grep -ho "pip='[0-9.]*'" $(1)/lib/python3*/site-packages/ansible_test/_internal/python_requirements.py | head -1 | tr -dc '0-9.'); \
  mkdir -p $$HOME/.ansible/test/cache; \
  cp tools/ci/ansible-test-get-pip.py $$HOME/.ansible/test/cache/get_pip_$$(echo $$v | tr . _).py
endef
# ansible-test sanity of the ansible-core installed in the given virtualenv. Its virtualenvs of the sanity tests
# (~/.ansible/test/venv) are made first by tools/ci/prime-sanity-venvs.py, filled by uv: on a machine that has none,
# ansible-test's own pip took about 280 s for the two versions, uv takes a fraction (the tool says how).
SANITY_PYTHON = $$($(PY) -c 'import sys; print("%d.%d" % sys.version_info[:2])')
define sanity_with
	@$(call ansible_test_pip,$(1))
	@echo "sanity: ansible-core $$($(1)/bin/python -c 'import ansible.release as r; print(r.__version__)')"
	@started=$$(date +%s); cd $(COLL) && PATH=$(1)/bin:$$PATH $(1)/bin/python $(ROOT)/tools/ci/prime-sanity-venvs.py \
	  $(UV) --color no --python $(SANITY_PYTHON) | { grep -v '^Running sanity test' || true; }; \
	  echo "sanity: its virtualenvs ready in $$(( $$(date +%s) - started )) s"
	cd $(COLL) && PATH=$(1)/bin:$$PATH $(1)/bin/ansible-test sanity --color no --python $(SANITY_PYTHON)
endef

sanity: sanity-lowest sanity-highest
sanity-lowest: collection $(CORE_LOWEST)/.installed $(UV)
	$(call sanity_with,$(CORE_LOWEST))
sanity-highest: collection $(LINT)/.installed $(UV)
	$(call sanity_with,$(LINT))

# ansible-lint (production profile, no skip list) over the roles, playbooks and molecule scenarios, from its
# own virtualenv: ansible-lint 26 refuses the ansible-core 2.17 the tests pin.
$(LINT)/.installed: requirements-lint.txt $(UV)
	@$(SYSTEM_PYTHON) -m venv $(LINT)
	@$(call pip_install,$(LINT)) -r requirements-lint.txt
	@touch $@

# The documentation site: every module, filter and role page (antsibull-docs) and the guides of docs/ (MyST),
# built by Sphinx with warnings as errors, in .build/docsite/html (tools/docs/build.sh).
DOCS_VENV := $(BUILD)/docs-venv
$(DOCS_VENV)/.installed: requirements-docs.txt $(UV)
	@$(SYSTEM_PYTHON) -m venv $(DOCS_VENV)
	@$(call pip_install,$(DOCS_VENV)) -r requirements-docs.txt
	@touch $@
docs: collection $(DOCS_VENV)/.installed
	tools/docs/build.sh $(COLLECTIONS) $(DOCS_VENV) $(BUILD)/docsite

# The built artifact as the ecosystem takes it: Galaxy's importer (no ERROR or WARNING line), antsibull-docs'
# lint of the plugin docs, and ansible-builder introspect on the installed collection (its four Python libraries).
RELEASE := $(BUILD)/release
release-check: collection $(LINT)/.installed
	@rm -rf $(RELEASE) && mkdir -p $(RELEASE)
	@cd $(RELEASE) && ansible-galaxy collection build --output-path . $(COLL) >/dev/null
	cd $(RELEASE) && PATH=$(LINT)/bin:$$PATH $(LINT)/bin/python -m galaxy_importer.main kvmnet-netboot-*.tar.gz > importer.log 2>&1 || { tail -40 importer.log; exit 1; }
	@if grep -iE '\b(warning|error)\b' $(RELEASE)/importer.log; then echo "galaxy-importer: see $(RELEASE)/importer.log" >&2; exit 1; fi
	@grep -q 'Importer processing completed successfully' $(RELEASE)/importer.log
	cd $(COLL) && PATH=$(LINT)/bin:$$PATH $(LINT)/bin/antsibull-docs lint-collection-docs --plugin-docs $(COLL)
	@ansible-galaxy collection install --force -p $(RELEASE)/collections $(RELEASE)/kvmnet-netboot-*.tar.gz >/dev/null 2>&1
	ansible-builder introspect --sanitize $(RELEASE)/collections > $(RELEASE)/introspect.txt
	@for dep in libvirt-python lxml netaddr oauthlib python3-libvirt; do grep -q "$$dep" $(RELEASE)/introspect.txt || { echo "introspect lacks $$dep" >&2; exit 1; }; done
	@echo "release-check: galaxy-importer clean, docs lint clean, introspect lists the modules' dependencies"

lint: collection $(LINT)/.installed
	cd $(COLL) && PATH=$(LINT)/bin:$$PATH $(LINT)/bin/ansible-lint --profile production roles playbooks extensions

# Test files mirror the source (tests/unit/plugins/module_utils/<package>/test_<file>.py), so two may share a
# name: pytest imports them by path (importlib), and they import what they share by its collection path.
FUZZ := tests/unit/plugins/modules/test_fuzz_modules.py
UNIT_PYTEST := $(PY) -m pytest -p no:cacheprovider --import-mode=importlib
units: collection
	cd $(COLL) && PYTHONPATH=$(COLLECTIONS) $(UNIT_PYTEST) tests/unit --ignore=$(FUZZ) $(PYTEST_ARGS)

# Every module against bad and odd input (hypothesis, seeded, 200 examples a module); its time is printed.
fuzz: collection
	@started=$$(date +%s); cd $(COLL) && PYTHONPATH=$(COLLECTIONS) $(UNIT_PYTEST) $(FUZZ) $(PYTEST_ARGS); \
	  echo "fuzz: $$(( $$(date +%s) - started )) s for every module's odd input"

INTEGRATION_PYTEST = cd $(COLL) && PYTHONPATH=$(COLLECTIONS) $(PY) -m pytest -p no:cacheprovider --durations=15
integration: collection libvirt
	$(INTEGRATION_PYTEST) tests/integration $(PYTEST_ARGS)

# make test runs the integration tests as two sessions at once, one in each lane: the tests that need no libvirtd
# of this machine's - network namespaces of their own (and a private /run for the bridge module's watchdogs and
# lock), libvirt's test driver, the built artifact, or a libvirtd of their own (the power-access test's host, with
# a power user of the test's own name) - and the rest (this machine's libvirtd, which the demo restarts, its
# `default` network, its NIC hooks; the demo, VMs, host B of the migration tests). Neither session sweeps (a sweep
# would take the other's namespaces away): make test sweeps before and after both (tests/integration/sweep.py).
NAMESPACE_TESTS := $(addprefix tests/integration/,test_kvm_host_bridge.py test_bridge_reboot.py \
  test_bridge_persistence.py test_maas_model_info.py test_maas_power_access.py test_kvm_attachment_select.py \
  test_collection_build.py test_execution_environment.py test_playbook_inventory.py)
integration-namespaces: collection
	$(INTEGRATION_PYTEST) $(NAMESPACE_TESTS) $(PYTEST_ARGS)
integration-libvirt: collection libvirt
	$(INTEGRATION_PYTEST) tests/integration $(addprefix --ignore=,$(NAMESPACE_TESTS)) $(PYTEST_ARGS)
integration-sweep: collection libvirt
	@cd $(COLL)/tests/integration && $(PY) sweep.py

# Peers to measure against (community.libvirt, community.general come with the `ansible` package),
# in their own virtualenv so they never mix with ours.
PEERS := $(BUILD)/peers
peers: $(PEERS)/.installed
$(PEERS)/.installed: requirements-peers.txt $(UV)
	@$(SYSTEM_PYTHON) -m venv $(PEERS)
	@$(call pip_install,$(PEERS)) -r requirements-peers.txt
	@touch $@

bench: deps libvirt collection peers
	$(PY) benchmarks/facts_scale.py
	PYTHONPATH=$(COLLECTIONS) $(PY) benchmarks/select_scale.py
	$(PY) benchmarks/compose_scale.py
	$(PY) benchmarks/maas_model_scale.py

# Molecule scenarios (extensions/molecule) against this machine, in two groups that make test runs in its two
# lanes. molecule-namespaces: maas_bridge, which needs no libvirtd, in a network namespace of its own (the bridge is
# built over a NIC of that namespace) and with a private /run/kvmnet-netboot and /run/lock (its watchdog records and
# host lock never meet those of the other lane's bridges). molecule-libvirt: libvirt_host (in a network namespace of
# its own too: the bridge netfilter sysctls are per namespace), then the scenarios on the machine's libvirtd,
# maas_power_access last (it turns libvirtd's polkit access driver on and off, restarting libvirtd each time).
# Usage: $(call molecule_in_netns,<scenario>,<command prefix>)
define molecule_in_netns
	@ns=kvmnt-mol-$(1); { ip netns del $$ns 2>/dev/null || true; } && ip netns add $$ns && \
	  ip netns exec $$ns ip link set lo up && \
	  { rc=0; cd $(COLL) && { molecule reset -s $(1) >/dev/null 2>&1 || true; }; \
	    $(2) ip netns exec $$ns molecule test -s $(1) || rc=$$?; \
	    ip netns del $$ns; exit $$rc; }
endef
PRIVATE_RUN = run=$$(mktemp -d /run/kvmnt-mol-run.XXXXXX) lock=$$(mktemp -d /run/kvmnt-mol-lock.XXXXXX); \
  trap 'rm -rf "$$run" "$$lock"' EXIT; mkdir -p -m 0700 /run/kvmnet-netboot; \
  unshare --mount --propagation private sh -c 'mount --bind "$$1" /run/kvmnet-netboot && \
  mount --bind "$$2" /run/lock && shift 2 && exec "$$@"' private-run "$$run" "$$lock"
molecule: molecule-namespaces molecule-libvirt
molecule-namespaces: collection
	$(call molecule_in_netns,maas_bridge,$(PRIVATE_RUN))
molecule-libvirt: collection libvirt
	$(call molecule_in_netns,libvirt_host,)
	cd $(COLL) && for s in libvirt_netboot_networks compose nic_hooks maas_power_access; do \
	  { molecule reset -s $$s >/dev/null 2>&1 || true; } && molecule test -s $$s || exit 1; done

# The artifact, .build/kvmnet-netboot-<version>.tar.gz (an older one removed, so the quickstart's glob names one),
# built from a staging copy of its own: the copy the tests run from is never rebuilt under them.
BUILD_SRC := $(BUILD)/build-src
build: venv
	@$(MAKE) --no-print-directory collection COLLECTIONS=$(BUILD_SRC)
	@rm -f $(BUILD)/kvmnet-netboot-*.tar.gz
	cd $(BUILD) && ansible-galaxy collection build --force $(BUILD_SRC)/ansible_collections/kvmnet/netboot

demo: deps libvirt collection
	$(PY) -m kvmnet_lab.demo

# the demo's lab kept up, its MAAS region on 127.0.0.1:5240, for the playbooks (docs/quickstart.md)
# (the collection is built when missing, not again: `make demo` built it, and what runs from it keeps its files)
lab: deps libvirt
	@[ -f $(COLL)/galaxy.yml ] || $(MAKE) --no-print-directory collection
	$(PY) -m kvmnet_lab.lab_up up

demo-clean: venv
	$(PY) -m kvmnet_lab.netboot_lab down

clean:
	rm -rf $(BUILD)
