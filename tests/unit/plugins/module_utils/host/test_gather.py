# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.kvmnet.netboot.plugins.module_utils.host.gather import (
    FactsGatherError, normalise_subsets)


@pytest.mark.parametrize('requested, expected', [
    (None, ['domains', 'interfaces', 'networks']),
    (['all'], ['domains', 'interfaces', 'networks']),
    (['networks'], ['networks']),
    (['!domains'], ['interfaces', 'networks']),
    (['all', '!interfaces'], ['domains', 'networks']),
    (['networks', 'domains'], ['domains', 'networks']),
])
def test_subsets(requested, expected):
    assert normalise_subsets(requested) == expected


def test_unknown_subset():
    with pytest.raises(FactsGatherError, match="unknown gather_subset 'vlans'"):
        normalise_subsets(['networks', 'vlans'])
