// Compat header: the part of ankerl::unordered_dense that mediasoup uses, on top of Debian's
// abseil. ankerl's containers keep references only until the next insert or erase, abseil's
// until the next rehash, and neither promises an iteration order: code written for ankerl's is
// correct with abseil's.
#ifndef MS_ANKERL_UNORDERED_DENSE_COMPAT_H
#define MS_ANKERL_UNORDERED_DENSE_COMPAT_H

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>
#include <absl/hash/hash.h>
#include <iterator>

namespace ankerl::unordered_dense
{
	template<class T>
	using hash = absl::Hash<T>;

	namespace detail
	{
		// ankerl's erase(iterator) returns the iterator to go on with, abseil's returns nothing.
		// abseil's erase invalidates no iterator but the erased one, so the next one stays valid.
		template<class Base>
		class Table : public Base
		{
		public:
			using Base::Base;
			using Base::erase;

			typename Base::iterator erase(typename Base::const_iterator it)
			{
				return Base::erase(it, std::next(it));
			}

			typename Base::iterator erase(typename Base::iterator it)
			{
				return Base::erase(it, std::next(it));
			}
		};
	} // namespace detail

	// Without an explicit hasher abseil's defaults apply (transparent lookup for strings).
	template<class Key, class T, class... Rest>
	using map = detail::Table<absl::flat_hash_map<Key, T, Rest...>>;

	template<class Key, class... Rest>
	using set = detail::Table<absl::flat_hash_set<Key, Rest...>>;
} // namespace ankerl::unordered_dense

#endif
