# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""MAAS-friendly host bridges: the plan (what moves from the device to the bridge), the runtime
``ip -batch`` lines to apply and undo it, the persistence renderers (netplan, NetworkManager,
ifupdown), and the transaction that checks, applies, verifies, persists and rolls back."""
