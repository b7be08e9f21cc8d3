# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest

import lab  # pytest puts this directory on the path first (its default "prepend" import mode)
from sweep import sweep


def pytest_sessionstart(session):  # pylint: disable=unused-argument
    if os.geteuid() != 0:
        pytest.exit('integration tests need root (network namespaces, libvirt qemu:///system)', returncode=1)


class ReconnectingLibvirt(object):
    """The session's libvirt connection, opened again when libvirtd restarted under it (the role maas_power_access
    restarts it when it turns libvirt's access driver on or off: the demo test does)."""

    def __init__(self):
        self._conn = lab.libvirt_conn()

    def reopen(self):
        """A new connection (after a test restarted libvirtd: the old one fails with "Broken pipe")."""
        try:
            self._conn.close()
        except Exception:  # pylint: disable=broad-except
            pass
        self._conn = lab.libvirt_conn()

    def __getattr__(self, name):
        if not self._conn.isAlive():
            self._conn = lab.libvirt_conn()
        return getattr(self._conn, name)


# make test runs two integration sessions at once (the libvirt tests, and the namespace tests in the other lane);
# a session's sweep would take the other's namespaces away, so make test sweeps before and after both and sets
# KVMNET_LAB_SWEEP=0 for them (`make integration-sweep`).
SWEEP = os.environ.get('KVMNET_LAB_SWEEP', '1') != '0'


@pytest.fixture(scope='session')
def swept():
    """What a crashed run left is removed before the session and after it (unless make test sweeps: SWEEP)."""
    if SWEEP:
        sweep()
    yield
    if SWEEP:
        sweep()


@pytest.fixture(scope='session')
def libvirt_conn(swept):  # pylint: disable=redefined-outer-name,unused-argument
    conn = ReconnectingLibvirt()
    yield conn
    conn.close()
