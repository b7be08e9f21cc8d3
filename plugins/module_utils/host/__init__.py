# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The host, as iproute2 and libvirt show it: parsing ``ip -j -d`` links and routes, finding the device
that holds the management address, assembling the ``kvm_host_network`` fact, and the thin shells that
run ``ip`` (through a ``run_command`` passed in), open libvirt for the fact, and take the host lock."""
