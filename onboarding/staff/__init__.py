"""Movement and staff: pupils transferred and leaving, employees leaving,
administrators, homeroom and subject teachers, the director and deputies."""
