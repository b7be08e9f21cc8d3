# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The two execution-environment files: examples/awx/execution-environment.yml is a definition ansible-builder v3
turns into a build context; meta/execution-environment.yml is what ansible-builder reads from the installed
collection - `ansible-builder introspect` lists the modules' four Python libraries and libvirt's system packages."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import os
import shutil
import tempfile

import lab

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))


def test_ansible_builder_create():
    context = tempfile.mkdtemp(prefix='kvmnt-ee-')
    try:
        proc = lab.sh('ansible-builder', 'create', '-f', os.path.join(ROOT, 'examples', 'awx', 'execution-environment.yml'),
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


def test_ansible_builder_introspect_lists_what_the_modules_need():
    work = tempfile.mkdtemp(prefix='kvmnt-ee-')
    try:
        lab.sh('ansible-galaxy', 'collection', 'build', '--output-path', work, ROOT)
        tarball = glob.glob(os.path.join(work, 'kvmnet-netboot-*.tar.gz'))[0]
        installed = os.path.join(work, 'collections')
        lab.sh('ansible-galaxy', 'collection', 'install', '--force', '-p', installed, tarball)
        proc = lab.sh('ansible-builder', 'introspect', '--sanitize', installed, check=False)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        for library in ('libvirt-python', 'lxml', 'netaddr', 'oauthlib'):
            assert library in proc.stdout, proc.stdout
        for package in ('python3-libvirt', 'iproute2', 'libvirt-devel'):
            assert package in proc.stdout, proc.stdout
    finally:
        shutil.rmtree(work, ignore_errors=True)
