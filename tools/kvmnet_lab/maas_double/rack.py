# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The double's rack controller: MAAS's virsh power driver (src/provisioningserver/drivers/power/virsh.py), run
as MAAS runs it - ``virsh --connect '<power_address>?command=<unverified-ssh>'``, then ``domstate <power_id>``,
then ``start`` only when the state is "shut off" (``destroy`` only when "running" to power off).

MAAS's ``unverified-ssh`` is ``exec ssh -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null "$@"``
with the MAAS user's default identity; here the rack's own key is named in the same script (IdentityFile,
IdentitiesOnly), so that nothing of this machine's root is used. It runs in the rack's network namespace."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import shlex
import subprocess
import time

from kvmnet_lab.shell import in_netns, sh

TIMEOUT = 30  # MAAS's pexpect gives up after 30 s: "Failed to login to virsh console."


class Rack(object):
    """A rack with its own SSH key in ``directory``, acting from network namespace ``netns``."""

    def __init__(self, directory, netns=None):
        self.directory = directory
        self.netns = netns
        self.key = os.path.join(directory, 'id_ed25519')
        self.ssh = os.path.join(directory, 'unverified-ssh')
        self.log = []

    def make_key(self):
        if not os.path.exists(self.key):
            sh('ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'maas-rack@kvmnet-lab', '-f', self.key)
        with open(self.ssh, 'w') as handle:
            handle.write('#!/bin/sh\n# MAAS unverified-ssh, with the rack\'s key named\n'
                         'exec ssh -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes '
                         '-o IdentitiesOnly=yes -o IdentityFile=%s "$@"\n' % shlex.quote(self.key))
        os.chmod(self.ssh, 0o755)
        with open(self.key + '.pub') as handle:
            return handle.read().strip()

    def public_key(self):
        with open(self.key + '.pub') as handle:
            return handle.read().strip()

    def virsh(self, power_address, *args):
        """virsh as the driver runs it; -> (exit code, output)."""
        if '?' in power_address:
            return 1, 'Supplying extra parameters to the Virsh address is not supported.'
        cmd = ('virsh', '--connect', '%s?command=%s' % (power_address, self.ssh)) + args
        started = time.monotonic()
        proc = in_netns(self.netns, *cmd, check=False, timeout=TIMEOUT, stdin=subprocess.DEVNULL)
        output = (proc.stdout + proc.stderr).strip()
        self.log.append({'args': list(args), 'rc': proc.returncode, 'output': output,
                         'seconds': round(time.monotonic() - started, 2), 'at': time.monotonic()})
        return proc.returncode, output

    def state(self, power_address, power_id):
        """``domstate``: the domain's state word, or raises PowerError."""
        rc, output = self.virsh(power_address, 'domstate', power_id)
        if rc != 0:
            raise PowerError('virsh domstate %s failed: %s' % (power_id, output))
        return output.splitlines()[0].strip() if output else ''

    def power_on(self, power_address, power_id):
        """MAAS's power on: -> 'started' or 'already on'."""
        if self.state(power_address, power_id) != 'shut off':
            return 'already on'
        rc, output = self.virsh(power_address, 'start', power_id)
        if rc != 0:
            raise PowerError('virsh start %s failed: %s' % (power_id, output))
        return 'started'

    def power_off(self, power_address, power_id):
        """MAAS's power off: -> 'stopped' or 'already off'."""
        if self.state(power_address, power_id) != 'running':
            return 'already off'
        rc, output = self.virsh(power_address, 'destroy', power_id)
        if rc != 0:
            raise PowerError('virsh destroy %s failed: %s' % (power_id, output))
        return 'stopped'

    def power_cycle(self, power_address, power_id):
        """Commissioning: off when it is on, then on. -> 'started'."""
        self.power_off(power_address, power_id)
        return self.power_on(power_address, power_id)


class PowerError(Exception):
    """The driver's sequence failed; the message carries virsh's words."""
