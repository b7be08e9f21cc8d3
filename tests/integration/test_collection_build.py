# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`ansible-galaxy collection build` makes a tarball that installs, and whose modules run."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import json
import os
import shutil
import tempfile

import lab

COLLECTION_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))


def test_build_install_run():
    work = tempfile.mkdtemp(prefix='kvmnt-build-')
    try:
        lab.sh('ansible-galaxy', 'collection', 'build', '--output-path', work, COLLECTION_DIR)
        tarballs = glob.glob(os.path.join(work, 'kvmnet-netboot-*.tar.gz'))
        assert len(tarballs) == 1
        listing = lab.sh('tar', '-tzf', tarballs[0]).stdout.split()
        assert 'plugins/modules/kvm_network_facts.py' in listing
        assert 'MANIFEST.json' in listing and 'FILES.json' in listing
        assert not [p for p in listing if p.startswith(('.build', 'benchmarks/', '.git/', 'tools/', 'tests/unit/fixtures/maas'))]
        installed = os.path.join(work, 'installed')
        lab.sh('ansible-galaxy', 'collection', 'install', '-p', installed, tarballs[0])
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=installed)
        out = lab.sh('ansible', 'localhost', '-m', 'kvmnet.netboot.kvm_network_facts', '-a',
                     json.dumps({'uri': 'test:///default', 'gather_subset': ['networks']}), env=env).stdout
        assert 'SUCCESS' in out and '"dhcp_enabled": true' in out
        doc = lab.sh('ansible-doc', '-t', 'module', 'kvmnet.netboot.kvm_network_facts', env=env).stdout
        assert 'gather_subset' in doc
    finally:
        shutil.rmtree(work, ignore_errors=True)
