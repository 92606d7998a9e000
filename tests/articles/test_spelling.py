from django.test import SimpleTestCase

from articles.factchecks.spelling import edit_distance, near_miss, problems


class EditDistanceTests(SimpleTestCase):
    def test_counts_insertions_deletions_replacements_and_swaps(self):
        for a, b, distance in [
            ("goverment", "government", 1),
            ("kitten", "sitting", 3),
            ("teh", "the", 1),
            ("rose", "fell", 4),
            ("", "abc", 3),
            ("same", "same", 0),
        ]:
            with self.subTest(a=a, b=b):
                self.assertEqual(edit_distance(a, b), distance)
                self.assertEqual(edit_distance(b, a), distance)


class NearMissTests(SimpleTestCase):
    def test_misspellings_are_near_misses(self):
        for old, new in [
            ("Goverment", "Government"),
            ("definately", "definitely"),
            ("recieve", "receive"),
            ("teh", "the"),
            ("form", "from"),
        ]:
            with self.subTest(old=old):
                self.assertIs(near_miss(old, new), True)

    def test_other_words_are_not(self):
        # One letter of a short word is often another word altogether.
        for old, new in [
            ("No", "Yes"),
            ("rose", "fell"),
            ("Iran", "Iraq"),
            ("he", "she"),
        ]:
            with self.subTest(old=old):
                self.assertIs(near_miss(old, new), False)


class ProblemsTests(SimpleTestCase):
    def test_case_and_apostrophe_style_are_no_change_of_word(self):
        self.assertEqual(problems("don’t panic", "Don't panic", where="X"), [])

    def test_a_rewritten_text_names_a_few_words_and_counts_the_rest(self):
        found = problems(
            "one two three four five", "uno dos tres quatro cinco", where="X"
        )

        self.assertEqual(len(found), 4)
        self.assertEqual(found[-1], "2 more words changed in X")
