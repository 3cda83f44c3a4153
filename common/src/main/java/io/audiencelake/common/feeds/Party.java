package io.audiencelake.common.feeds;

/** Whose data a feed carries: our own, a partner's, or bought from a data provider. */
public enum Party {
    FIRST,
    SECOND,
    THIRD
}
