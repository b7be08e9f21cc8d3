# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""meta/execution-environment.yml is a definition ansible-builder v3 accepts."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import shutil
import tempfile

import lab

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))


def test_ansible_builder_create():
    context = tempfile.mkdtemp(prefix='kvmnt-ee-')
    try:
        proc = lab.sh('ansible-builder', 'create', '-f', os.path.join(ROOT, 'meta', 'execution-environment.yml'),
                      '-c', context, check=False)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        with open(os.path.join(context, '_build', 'requirements.txt')) as handle:
            assert 'libvirt-python' in handle.read()
        with open(os.path.join(context, '_build', 'bindep.txt')) as handle:
            assert 'python3-libvirt' in handle.read()
        build_file = [f for f in ('Containerfile', 'Dockerfile') if os.path.exists(os.path.join(context, f))]
        assert build_file
    finally:
        shutil.rmtree(context, ignore_errors=True)
