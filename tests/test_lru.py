"""factually.lru.LRU, the one bounded in-process cache."""

import threading

from django.test import SimpleTestCase

from factually.lru import LRU


class LRUTests(SimpleTestCase):
    def test_the_least_recently_used_entry_goes_first(self):
        kept = LRU(2)
        kept.put("a", 1)
        kept.put("b", 2)
        kept.get("a")
        kept.put("c", 3)

        self.assertIsNone(kept.get("b"))
        self.assertEqual((kept.get("a"), kept.get("c")), (1, 3))
        self.assertEqual(len(kept), 2)

    def test_a_missing_key_gives_the_default(self):
        self.assertEqual(LRU(1).get("nothing", "default"), "default")

    def test_replacing_a_value_keeps_one_entry_and_its_weight(self):
        kept = LRU(None, weigh=len, budget=10)
        kept.put("a", "xxxx")
        kept.put("a", "yy")

        self.assertEqual(len(kept), 1)
        self.assertEqual(kept.weight, 2)

    def test_the_weight_budget_evicts_and_refuses_what_is_too_heavy(self):
        kept = LRU(None, weigh=len, budget=5)
        kept.put("a", "xxx")
        kept.put("b", "yyy")

        self.assertIsNone(kept.get("a"))
        self.assertEqual(kept.weight, 3)
        kept.put("huge", "z" * 6)
        self.assertIsNone(kept.get("huge"))
        self.assertEqual(kept.get("b"), "yyy")

    def test_discard_drops_the_entries_matching(self):
        kept = LRU(10, weigh=lambda value: value, budget=100)
        for key in range(5):
            kept.put(key, key)

        kept.discard(lambda key, value: key % 2 == 0)

        self.assertEqual(kept.values(), [1, 3])
        self.assertEqual(kept.weight, 4)

    def test_clear_empties_it(self):
        kept = LRU(None, weigh=len, budget=10)
        kept.put("a", "xx")
        kept.clear()

        self.assertEqual((len(kept), kept.weight), (0, 0))

    def test_weigh_and_budget_go_together(self):
        with self.assertRaises(ValueError):
            LRU(None, weigh=len)

    def test_concurrent_use_keeps_the_bound_and_the_weight_exact(self):
        kept = LRU(50, weigh=len, budget=400)

        def work(offset):
            for number in range(2000):
                kept.put((offset, number % 97), "x" * (number % 9 + 1))
                kept.get((offset, (number * 7) % 97))
                if number % 500 == 0:
                    kept.discard(lambda key, value: key[1] == 3)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        self.assertLessEqual(len(kept), 50)
        self.assertLessEqual(kept.weight, 400)
        self.assertEqual(kept.weight, sum(map(len, kept.values())))
