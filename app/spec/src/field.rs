//! Typed field paths: which input of a form a value or a problem belongs to.
//!
//! Each form has a path enum (`AppField`, `ServiceField`, …) whose variants
//! are its inputs; a list is `Row::All` (the list itself, e.g. "at least one
//! port") or `Row::At(index, cell)`. A path's text (`Display`, parsed back by
//! `FromStr`) is what crosses the wire in [`crate::FieldError::field`] and
//! what input ids are made of: `containers.0.env.1.name`,
//! `service.ports.0.node_port`. Forms implement [`FormFields`] so an input
//! reads and writes its text by path instead of a closure per input.

use std::fmt;
use std::str::FromStr;

/// A list of rows in a form: the list itself, or one cell of one row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Row<C> {
    All,
    At(usize, C),
}

impl<C: fmt::Display> Row<C> {
    /// Appends this row's part to `list`'s name.
    pub(crate) fn write(&self, f: &mut fmt::Formatter<'_>, list: &str) -> fmt::Result {
        match self {
            Row::All => f.write_str(list),
            Row::At(i, cell) => write!(f, "{list}.{i}.{cell}"),
        }
    }
}

impl<C: FromStr> Row<C> {
    /// Reads what follows a list's name: nothing, or `.{index}.{cell}`.
    pub(crate) fn parse(rest: Option<&str>) -> Option<Self> {
        match rest {
            None => Some(Row::All),
            Some(rest) => {
                let (index, cell) = rest.split_once('.')?;
                Some(Row::At(index.parse().ok()?, cell.parse().ok()?))
            }
        }
    }
}

/// A path that is not one of the form's fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownField;

/// Defines a path enum with its text: `unit` variants are one input each,
/// `rows` variants a list of rows whose cells are another path enum,
/// `nested` variants a part whose own paths follow a prefix.
macro_rules! field_path {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            unit { $( $unit:ident = $unit_text:literal, )* }
            $( rows { $( $rows:ident($cell:ty) = $rows_text:literal, )* } )?
            $( nested { $( $nested:ident($inner:ty) = $nested_text:literal, )* } )?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $unit, )*
            $($( $rows($crate::field::Row<$cell>), )*)?
            $($( $nested($inner), )*)?
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self {
                    $( $name::$unit => f.write_str($unit_text), )*
                    $($( $name::$rows(row) => row.write(f, $rows_text), )*)?
                    $($( $name::$nested(inner) => write!(f, "{}.{inner}", $nested_text), )*)?
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::field::UnknownField;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                let (head, rest) = match text.split_once('.') {
                    Some((head, rest)) => (head, Some(rest)),
                    None => (text, None),
                };
                #[allow(unused_variables)]
                let found: Option<$name> = match head {
                    $( $unit_text if rest.is_none() => Some($name::$unit), )*
                    $($( $rows_text => $crate::field::Row::parse(rest).map($name::$rows), )*)?
                    $($( $nested_text => rest.and_then(|r| r.parse().ok()).map($name::$nested), )*)?
                    _ => None,
                };
                found.ok_or($crate::field::UnknownField)
            }
        }
    };
}
pub(crate) use field_path;

/// A form whose text inputs are read and written by path.
pub trait FormFields {
    type Field: Copy + PartialEq + fmt::Display + FromStr + Send + Sync + 'static;
    /// The text at `field`, if it is a text input that exists now.
    fn text(&self, field: &Self::Field) -> Option<&String>;
    fn text_mut(&mut self, field: &Self::Field) -> Option<&mut String>;
}

/// Implements [`FormFields`] from one table, so reading and writing cannot
/// disagree: `text { Variant => member }` for a text input, `rows { Variant
/// => list }` for a list whose row type is itself a `FormFields`, `nested {
/// Variant => part }` for a part that is one.
macro_rules! form_texts {
    (
        $form:ty, $field:ident {
            text { $( $text:ident => $member:ident, )* }
            $( rows { $( $rows:ident => $list:ident, )* } )?
            $( nested { $( $nested:ident => $part:ident, )* } )?
        }
    ) => {
        impl $crate::field::FormFields for $form {
            type Field = $field;

            fn text(&self, field: &$field) -> Option<&String> {
                #[allow(unreachable_patterns)]
                match field {
                    $( $field::$text => Some(&self.$member), )*
                    $($( $field::$rows($crate::field::Row::At(i, cell)) =>
                        self.$list.get(*i).and_then(|row| $crate::field::FormFields::text(row, cell)), )*)?
                    $($( $field::$nested(inner) => $crate::field::FormFields::text(&self.$part, inner), )*)?
                    _ => None,
                }
            }

            fn text_mut(&mut self, field: &$field) -> Option<&mut String> {
                #[allow(unreachable_patterns)]
                match field {
                    $( $field::$text => Some(&mut self.$member), )*
                    $($( $field::$rows($crate::field::Row::At(i, cell)) =>
                        self.$list.get_mut(*i).and_then(|row| $crate::field::FormFields::text_mut(row, cell)), )*)?
                    $($( $field::$nested(inner) => $crate::field::FormFields::text_mut(&mut self.$part, inner), )*)?
                    _ => None,
                }
            }
        }
    };
}
pub(crate) use form_texts;

field_path! {
    /// A cell of a key/value row (selectors, labels, annotations, node selectors).
    pub enum KeyValueField {
        unit { Key = "key", Value = "value", }
    }
}

form_texts!(crate::service::KeyValue, KeyValueField {
    text { Key => key, Value => value, }
});

#[cfg(test)]
mod tests {
    use super::*;

    field_path! {
        pub enum Cell {
            unit { A = "a", }
        }
    }
    field_path! {
        pub enum Inner {
            unit { X = "x", }
            rows { Cells(Cell) = "cells", }
        }
    }
    field_path! {
        pub enum Outer {
            unit { Name = "name", }
            rows { Items(Inner) = "items", }
            nested { Part(Inner) = "part", }
        }
    }

    #[test]
    fn paths_read_back_as_written() {
        let all = [
            Outer::Name,
            Outer::Items(Row::All),
            Outer::Items(Row::At(3, Inner::X)),
            Outer::Items(Row::At(0, Inner::Cells(Row::At(12, Cell::A)))),
            Outer::Part(Inner::Cells(Row::All)),
            Outer::Part(Inner::X),
        ];
        let texts = [
            "name",
            "items",
            "items.3.x",
            "items.0.cells.12.a",
            "part.cells",
            "part.x",
        ];
        for (path, text) in all.iter().zip(texts) {
            assert_eq!(path.to_string(), text);
            assert_eq!(text.parse::<Outer>(), Ok(*path));
        }
    }

    #[test]
    fn other_texts_are_not_paths() {
        for text in [
            "",
            "nam",
            "name.0",
            "items.x",
            "items.1",
            "items.1.y",
            "part",
            "part.",
            "x",
        ] {
            assert_eq!(text.parse::<Outer>(), Err(UnknownField), "{text}");
        }
    }
}
